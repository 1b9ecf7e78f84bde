"""Writes of organizations."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from onboarding.organizations.models import Organization
from smart360.contracts.onboarding import OrganizationCreated, OrganizationUpdated
from smart360.errors import Conflict, NotFound
from smart360.events.outbox import publish


def organization_create(
    *, created_by: uuid.UUID, name: str, currency: str = "USD", date_format: str = "YYYY-MM-DD",
    timezone: str = "UTC",
) -> Organization:
    """Create the tenant; auth hears `onboarding.organization.created` and makes the creator
    its admin (a refreshed token then carries the tenant)."""
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                name=name, currency=currency.upper(), date_format=date_format, timezone=timezone,
                created_by=created_by,
            )
            publish(OrganizationCreated(
                organization_id=org.id, name=org.name, currency=org.currency,
                timezone=org.timezone, date_format=org.date_format, created_by=created_by,
            ), tenant_id=org.id)
    except IntegrityError as exc:
        raise Conflict("You already created an organization.", code="organization_exists") from exc
    return org


def organization_update(*, tenant_id: uuid.UUID, **changes: str) -> Organization:
    """Settings of the tenant's own organization; every service re-projects the profile from
    `onboarding.organization.updated` (a changed time zone moves its dates)."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().filter(pk=tenant_id).first()
        if org is None:
            raise NotFound("No organization for this tenant.")
        if "currency" in changes:
            changes["currency"] = changes["currency"].upper()
        for field, value in changes.items():
            setattr(org, field, value)
        org.save()
        publish(OrganizationUpdated(organization_id=org.id, name=org.name, currency=org.currency,
                                    timezone=org.timezone, date_format=org.date_format),
                tenant_id=org.id)
    return org
