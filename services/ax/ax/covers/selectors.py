"""Reads of cover: contracts and policies with their state as of the tenant's today."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from ax.covers.services import Kind
from smart360.domain.tenants import tenant_today


def cover_list(*, kind: Kind, tenant_id: uuid.UUID, asset: int | None = None, search: str = "",
               state: str = "", expiring_within: int | None = None) -> QuerySet[Any]:
    today = tenant_today(tenant_id)
    rows = _with_state(kind.model.objects.filter(tenant_id=tenant_id), today)
    if asset is not None:
        rows = rows.filter(assets__id=asset)
    if search:
        rows = rows.filter(Q(**{f"{kind.number}__iexact": search}) | Q(provider__icontains=search))
    if state:
        rows = rows.filter(state=state)
    if expiring_within is not None:
        rows = rows.filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=expiring_within))
    return rows.prefetch_related("assets")


def cover_detail(*, kind: Kind, tenant_id: uuid.UUID, cover_id: int) -> Any:
    rows = kind.model.objects.filter(tenant_id=tenant_id, pk=cover_id)
    return _with_state(rows, tenant_today(tenant_id)).prefetch_related("assets").first()


def _with_state(rows: QuerySet[Any], today: date) -> QuerySet[Any]:
    return rows.annotate(state=Case(
        When(ends_on__lt=today, then=Value("EXPIRED")),
        When(starts_on__gt=today, then=Value("UPCOMING")),
        default=Value("ACTIVE"), output_field=CharField()))
