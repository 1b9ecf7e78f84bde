"""Event contracts: one small typed, versioned class per event type (DESIGN §5).

Pure data (pydantic, no Django), so publishers, subscribers, the CLI and tests share them:

    class ConsumerCreated(Event, type="cx.consumer.created", version=1):
        consumer_id: int
        name: str

A contract validates on publish (constructing it) and on receipt (`from_payload`). Changing a
field's meaning or removing one is a new version; adding an optional field is not.
"""

from __future__ import annotations

import re
from importlib import import_module
from typing import Any, ClassVar, get_origin

from pydantic import BaseModel, ConfigDict

_CONTRACTS: dict[str, type[Event]] = {}
# One module per publishing service; importing them fills the table above.
MODULES = ("auth", "onboarding", "cx", "mx", "bx", "rx", "wx", "ax")


class Event(BaseModel):
    """The payload of one event type. Subclass with `type=` and `version=` class keywords."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type: ClassVar[str]
    version: ClassVar[int]

    def __init_subclass__(cls, *, type: str = "", version: int = 1, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not type:
            return  # an abstract intermediate class
        if type in _CONTRACTS:
            raise TypeError(f"event type {type!r} already has a contract: {_CONTRACTS[type]}")
        cls.type = type
        cls.version = version
        _CONTRACTS[type] = cls

    def payload(self) -> dict[str, Any]:
        """JSON-safe: Decimals and dates as strings (`"115.00"`, `"2026-11-30"`)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Event:
        return cls.model_validate(payload)

    @classmethod
    def fields(cls) -> dict[str, str]:
        """Field name -> type, for `smart360 events` and the docs."""
        return {name: _type_name(f.annotation) for name, f in cls.model_fields.items()}


class Part(BaseModel):
    """A nested value inside a contract (a slab, an allocation): frozen, no extra keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _type_name(annotation: Any) -> str:
    if get_origin(annotation) is None and hasattr(annotation, "__name__"):
        return str(annotation.__name__)
    return re.sub(r"\b[a-z_0-9.]+\.(?=[A-Za-z])", "", str(annotation))  # drop module paths


def contracts() -> dict[str, type[Event]]:
    """Every known contract by event type."""
    for module in MODULES:
        import_module(f"{__name__}.{module}")
    return dict(_CONTRACTS)


def contract_for(event_type: str) -> type[Event] | None:
    return contracts().get(event_type)
