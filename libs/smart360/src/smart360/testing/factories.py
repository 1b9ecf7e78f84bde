"""factory_boy base for tenant-owned models: every service's factories build on it."""

from __future__ import annotations

import uuid

import factory

TENANT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
OTHER_TENANT = uuid.UUID("00000000-0000-0000-0000-0000000000b2")


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Rows belong to TENANT unless a test says otherwise (tenant_id=OTHER_TENANT)."""

    class Meta:
        abstract = True

    tenant_id = TENANT
