"""Reads of organizations: a caller only ever sees its own (its tenant)."""

from __future__ import annotations

import uuid

from onboarding.organizations.models import Organization


def organization_of_tenant(*, tenant_id: uuid.UUID, organization_id: uuid.UUID | None = None
                           ) -> Organization | None:
    if organization_id is not None and organization_id != tenant_id:
        return None
    return Organization.objects.filter(pk=tenant_id).first()
