"""Events for tests: the envelope a contract would travel in, as the relay would send it.

    deliver.apply(args=[[envelope_of(ConsumerCreated(...), tenant_id=t)]])
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from smart360.contracts import Event
from smart360.events.envelope import Envelope
from smart360.registry import load


def envelope_of(event: Event, *, tenant_id: uuid.UUID | str | None, event_id: str | None = None,
                source: str | None = None) -> dict[str, Any]:
    publisher = load().publisher(event.type)
    return Envelope(
        id=event_id or str(uuid.uuid4()), type=event.type, version=event.version,
        tenant=str(tenant_id) if tenant_id else None, occurred_at=timezone.now().isoformat(),
        request_id="", payload=event.payload(),
        source=source if source is not None else (publisher.name if publisher else ""),
    ).to_dict()
