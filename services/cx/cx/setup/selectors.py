"""Reads of the setup projections: what an application must refer to, checked locally."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TypeVar

from cx.setup.models import Area, Category, Plan, UtilityService
from smart360.errors import Conflict, NotFound, ValidationFailed


@dataclass(frozen=True)
class ConnectionSetup:
    """The configuration a new connection is made with."""

    service: UtilityService
    area: Area
    category: Category
    plan: Plan


M = TypeVar("M", UtilityService, Area, Category, Plan)


def _one(model: type[M], tenant_id: uuid.UUID, onboarding_id: int) -> M | None:
    return model.objects.filter(tenant_id=tenant_id, onboarding_id=onboarding_id).first()


def _known(row: M | None, what: str, value: int) -> M:
    if row is None:
        raise NotFound(f"Unknown {what} {value}.", code=f"unknown_{what.replace(' ', '_')}")
    return row


def connection_setup(*, tenant_id: uuid.UUID, utility_service: int, area: int, category: int,
                     plan: int) -> ConnectionSetup:
    """The referenced configuration, or: 409 while the tenant has no areas or no plan yet (the
    configuration order), 404 for an id this tenant does not have, 400 when the plan, category
    and utility service do not belong together."""
    area_row = _one(Area, tenant_id, area)
    plan_row = _one(Plan, tenant_id, plan)
    if area_row is None or plan_row is None:
        missing = [what for what, model in (("service areas", Area), ("a plan", Plan))
                   if not model.objects.filter(tenant_id=tenant_id).exists()]
        if missing:
            raise Conflict(
                f"No application before service areas and a plan: this utility has no "
                f"{' and no '.join(missing)} yet. Configure them in onboarding first.",
                code="setup_incomplete", extra={"missing": missing})
    service_row = _known(_one(UtilityService, tenant_id, utility_service), "utility service",
                         utility_service)
    area_row = _known(area_row, "area", area)
    category_row = _known(_one(Category, tenant_id, category), "category", category)
    plan_row = _known(plan_row, "plan", plan)
    errors: dict[str, str] = {}
    if category_row.utility_service != utility_service:
        errors["category"] = f"Category {category} belongs to another utility service."
    if plan_row.utility_service != utility_service:
        errors["plan"] = f"Plan {plan} belongs to another utility service."
    elif plan_row.category not in (category, category_row.parent):
        errors["plan"] = f"Plan {plan} is not offered to category {category}."
    if errors:
        raise ValidationFailed("; ".join(errors.values()), errors=errors)
    return ConnectionSetup(service_row, area_row, category_row, plan_row)
