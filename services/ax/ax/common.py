"""What ax's apps share: input fields written once, and a duplicate turned into a 409."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from rest_framework import serializers

from smart360.errors import Conflict, ValidationFailed

MAX_ID = 2**63 - 1
CODE = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$"
# Dates the registry takes: wide enough for any asset, narrow enough that date arithmetic
# (a plan's next period, a reminder window) never leaves the calendar.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
DATE_RULE = f"dates between {EARLIEST} and {LATEST}"


def ref(what: str, **kwargs: Any) -> serializers.IntegerField:
    """The id of one of this tenant's rows (404 when it is not one)."""
    kwargs.setdefault("help_text", f"The {what}'s id.")
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def code(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(CODE, max_length=40, **kwargs)


def name(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=200, **kwargs)


def text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=2000, allow_blank=True, **kwargs)


def amount(**kwargs: Any) -> serializers.DecimalField:
    """Money, a decimal string (never a float), at most 12 digits before the point."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), **kwargs)


def day(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(help_text=f"YYYY-MM-DD, {DATE_RULE}.", **kwargs)


def check_dates(**dates: date | None) -> None:
    wrong = {k: f"Must be between {EARLIEST} and {LATEST}." for k, v in dates.items()
             if v is not None and not EARLIEST <= v <= LATEST}
    if wrong:
        raise ValidationFailed("; ".join(f"{k}: {v}" for k, v in wrong.items()), errors=wrong)


@contextlib.contextmanager
def unique(what: str, value: object) -> Iterator[None]:
    """A unique constraint hit inside the block is a 409 naming the duplicate."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(f"{what} {value} already exists.", code="duplicate") from exc


def apply(row: models.Model, changes: dict[str, Any]) -> list[str]:
    """Set the changed fields on `row`; the names of those that changed."""
    changed = [k for k, v in changes.items() if getattr(row, k) != v]
    for field in changed:
        setattr(row, field, changes[field])
    return changed
