"""cx's document numbers: the tenant's ID format (onboarding's, projected) or these defaults."""

from __future__ import annotations

import uuid

from smart360.domain.numbering import Format, number_take
from smart360.domain.tenants import tenant_today

DEFAULTS = {
    "application": Format("APP", "YYYYMMDD", 3),
    "consumer": Format("CUST", "YYYYMM", 4),
    "account": Format("ACC", "YYYYMM", 5),
    "service_request": Format("SR", "YYYYMMDD", 4),
    "complaint": Format("CMP", "YYYYMMDD", 4),
}


def take(*, tenant_id: uuid.UUID, entity: str) -> str:
    """The next number of `entity`, dated today in the tenant's calendar. Runs in the caller's
    transaction: a rollback gives the number back (no gap)."""
    return number_take(tenant_id=tenant_id, entity=entity, on=tenant_today(tenant_id),
                       default=DEFAULTS[entity])
