"""Events between services (DESIGN §5): nothing lost, nothing doubled.

    from smart360.events import publish
    publish("cx.consumer.created", {"consumer_id": ...}, tenant_id=tid)   # inside the write's
                                                                           # transaction
    @subscriber("cx.consumer.created")                                    # in <app>/handlers.py
    def welcome(envelope: Envelope) -> None: ...

publish() writes an outbox row in the caller's transaction; the relay sends rows in batches to
each subscriber's queue and marks them sent; the subscriber records the event id in its inbox in
the same transaction as the handler's effects, so a redelivery is a no-op.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Envelope", "publish", "subscriber"]


def __getattr__(name: str) -> Any:
    # Lazy: settings import smart360.events.schedule before Django's app registry is ready.
    if name == "publish":
        from smart360.events.outbox import publish

        return publish
    if name == "subscriber":
        from smart360.events.handlers import subscriber

        return subscriber
    if name == "Envelope":
        from smart360.events.envelope import Envelope

        return Envelope
    raise AttributeError(name)
