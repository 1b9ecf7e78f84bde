"""A tenant's own time: dates are the tenant's calendar dates, not UTC's.

A bill's due date, "today" for a nightly job, the day a tariff version takes effect: each is a
date in the tenant's time zone (TenantProfile), while every stored time stays aware UTC.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from smart360.domain.models import TenantProfile

UTC = ZoneInfo("UTC")


def tenant_zone(tenant_id: uuid.UUID | None) -> ZoneInfo:
    name = (TenantProfile.objects.filter(tenant_id=tenant_id).values_list("timezone", flat=True)
            .first()) if tenant_id else None
    try:
        return ZoneInfo(name) if name else UTC
    except ZoneInfoNotFoundError:
        return UTC


def tenant_today(tenant_id: uuid.UUID | None, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(tenant_zone(tenant_id)).date()


def tenant_profile_upsert(*, tenant_id: uuid.UUID, name: str, timezone_name: str, currency: str,
                          date_format: str) -> None:
    TenantProfile.objects.update_or_create(
        tenant_id=tenant_id, defaults={"name": name, "timezone": timezone_name,
                                       "currency": currency, "date_format": date_format})


LOCAL_DATE_SQL = "(now() AT TIME ZONE COALESCE({alias}.timezone, 'UTC'))::date"
"""For set-based jobs: each tenant's local date today, given a TenantProfile table alias."""
