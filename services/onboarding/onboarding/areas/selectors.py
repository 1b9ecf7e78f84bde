"""Reads of the area hierarchy."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from onboarding.areas.models import Area


def area_list(*, tenant_id: uuid.UUID, kind: str | None = None, parent: int | None = None,
              search: str | None = None) -> QuerySet[Area]:
    rows = Area.objects.filter(tenant_id=tenant_id)
    if kind:
        rows = rows.filter(kind=kind)
    if parent is not None:
        rows = rows.filter(parent_id=parent)
    if search:
        rows = rows.filter(path__icontains=search)
    return rows


def area_get(*, tenant_id: uuid.UUID, pk: int) -> Area | None:
    return Area.objects.filter(tenant_id=tenant_id, pk=pk).first()
