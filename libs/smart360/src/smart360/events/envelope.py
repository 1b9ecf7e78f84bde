"""The envelope every event travels in: JSON-safe, versioned, tenant- and source-stamped."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    version: int
    tenant: str | None
    occurred_at: str
    request_id: str
    payload: dict[str, Any]
    source: str = ""  # the publishing service, checked against the registry on receipt
    traceparent: str = ""  # W3C: the publish span, when tracing is on (the handler continues it)

    @property
    def tenant_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.tenant) if self.tenant else None

    @property
    def occurred(self) -> datetime:
        return datetime.fromisoformat(self.occurred_at)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict. Built by hand: `dataclasses.asdict` deep-copies the payload, which
        was 40 % of the relay's time (3.1 of 7.7 s for 20,000 rows, cProfile). The payload's top
        level is copied; nested values are shared (the dict is serialized right away)."""
        data = {"id": self.id, "type": self.type, "version": self.version, "tenant": self.tenant,
                "occurred_at": self.occurred_at, "request_id": self.request_id,
                "payload": dict(self.payload), "source": self.source}
        if self.traceparent:  # tracing off: the envelope is what it always was
            data["traceparent"] = self.traceparent
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Envelope:
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            version=int(data.get("version", 1)),
            tenant=data.get("tenant"),
            occurred_at=str(data["occurred_at"]),
            request_id=str(data.get("request_id", "")),
            payload=dict(data.get("payload", {})),
            source=str(data.get("source", "")),
            traceparent=str(data.get("traceparent") or ""),
        )
