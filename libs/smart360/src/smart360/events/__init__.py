"""Events between services (DESIGN §5): nothing lost, nothing doubled, every payload typed.

    from smart360.contracts.cx import ConsumerCreated
    from smart360.events.outbox import publish
    publish(ConsumerCreated(consumer_id=7, number="C-7", name="Ada"), tenant_id=tid)  # in the
                                                                       # write's transaction
    from smart360.events.inbox import Received, subscriber
    @subscriber(ConsumerCreated)                                       # in <app>/handlers.py
    def welcome(received: Received[ConsumerCreated]) -> None: ...

publish() writes an outbox row in the caller's transaction; the relay sends rows in batches to
each subscriber's queue (the registry says which) and marks them sent; the subscriber records
the event id in its inbox in the same transaction as the handler's effects, so a redelivery is
a no-op. An event no handler takes is parked as a dead letter, visible and replayable.

Modules, lowest layer first: envelope → models → outbox, relay, inbox → tasks → checks.
"""
