"""Reads of organizations: a caller only ever sees its own (its tenant)."""

from __future__ import annotations

import uuid
from typing import Any

from onboarding.organizations.models import Organization


def organization_of_tenant(*, tenant_id: uuid.UUID, organization_id: uuid.UUID | None = None
                           ) -> Organization | None:
    if organization_id is not None and organization_id != tenant_id:
        return None
    return Organization.objects.filter(pk=tenant_id).first()


# The weighted checklist of a utility's configuration: (key, weight, done when a row exists).
SETUP_STEPS: tuple[tuple[str, int], ...] = (
    ("organization", 10),
    ("utility_services", 20),
    ("areas", 20),
    ("categories", 15),
    ("plans", 25),
    ("id_formats", 10),
)


def setup_progress(*, tenant_id: uuid.UUID) -> dict[str, object]:
    """`percent` done (weights of the done steps) and the steps; one query (EXISTS each)."""
    from django.db.models import Exists, OuterRef

    from onboarding.areas.models import Area
    from onboarding.catalog.models import Category, UtilityService
    from onboarding.tariffs.models import Plan
    from smart360.domain.models import IdFormat

    def some(model: Any) -> Exists:
        return Exists(model.objects.filter(tenant_id=OuterRef("id")))

    probe = Organization.objects.filter(pk=tenant_id).annotate(
        utility_services=some(UtilityService), areas=some(Area), categories=some(Category),
        plans=some(Plan), id_formats=some(IdFormat),
    ).values("utility_services", "areas", "categories", "plans", "id_formats").first()
    done = {"organization": probe is not None, **(probe or {})}
    steps = [{"key": key, "done": bool(done.get(key)), "weight": weight}
             for key, weight in SETUP_STEPS]
    total = sum(w for _, w in SETUP_STEPS)
    percent = round(100 * sum(s["weight"] for s in steps if s["done"]) / total)  # type: ignore[misc]
    return {"percent": percent, "steps": steps}
