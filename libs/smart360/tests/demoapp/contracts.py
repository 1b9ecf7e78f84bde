"""Event contracts of the demo service (tests only)."""

from __future__ import annotations

from decimal import Decimal

from smart360.contracts import Event


class ThingHappened(Event, type="demo.thing.happened"):
    n: int
    note: str = ""


class ThingCounted(Event, type="demo.thing.counted"):
    n: int
    amount: Decimal
