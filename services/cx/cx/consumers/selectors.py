"""Reads of the consumers app (always inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from cx.consumers.models import Consumer
from smart360.identity.tenancy import scoped


def consumers(*, tenant_id: uuid.UUID, search: str = "") -> QuerySet[Consumer]:
    qs = scoped(Consumer.objects.all(), tenant_id)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(number__iexact=search)
    return qs
