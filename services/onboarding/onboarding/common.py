"""Small pieces the onboarding apps share: id fields, duplicate → 409, the tenant's today."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers

from smart360.errors import Conflict

MAX_ID = 2**63 - 1


CLOCK = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


def clock(**kwargs: Any) -> serializers.RegexField:
    """A local wall-clock time, `HH:MM` (or `HH:MM:SS`), no offset: the tenant's own zone."""
    return serializers.RegexField(CLOCK, max_length=8, error_messages={
        "invalid": "A local time HH:MM (00:00-23:59)."}, **kwargs)


def reference(**kwargs: Any) -> serializers.IntegerField:
    """An id of one of this service's rows."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


@contextmanager
def unique_or_conflict(detail: str, *, code: str = "duplicate") -> Iterator[None]:
    """A unique constraint hit inside the block is a 409 with `detail` (in its own savepoint)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(detail, code=code) from exc


def order_conflict(detail: str) -> Conflict:
    """Configuration done out of order (a plan before its service): one stable code."""
    return Conflict(detail, code="configuration_order")


def tenant_zone(tenant_id: uuid.UUID) -> ZoneInfo:
    from onboarding.organizations.models import Organization

    name = Organization.objects.filter(pk=tenant_id).values_list("timezone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def tenant_today(tenant_id: uuid.UUID, *, now: datetime | None = None) -> date:
    """The tenant's calendar date now (its organization's time zone; UTC before it has one)."""
    return (now or timezone.now()).astimezone(tenant_zone(tenant_id)).date()
