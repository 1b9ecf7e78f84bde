"""onboarding's configuration, projected (the tenant profile and ID formats are the library's:
smart360.domain.handlers)."""

from __future__ import annotations

import uuid

from cx.setup import services
from smart360.contracts import Event
from smart360.contracts.onboarding import (
    AreaCreated,
    CategoryCreated,
    PlanCreated,
    UtilityServiceCreated,
)
from smart360.events.inbox import Received, subscriber


def _tenant(received: Received[Event]) -> uuid.UUID:
    assert received.tenant_id is not None, "configuration belongs to a tenant"
    return received.tenant_id


@subscriber(UtilityServiceCreated)
def project_utility_service(received: Received[UtilityServiceCreated]) -> None:
    e = received.event
    services.utility_service_project(tenant_id=_tenant(received), onboarding_id=e.utility_service_id,
                                     code=e.code, name=e.name, unit=e.unit, metered=e.metered)


@subscriber(AreaCreated)
def project_area(received: Received[AreaCreated]) -> None:
    e = received.event
    services.area_project(tenant_id=_tenant(received), onboarding_id=e.area_id, name=e.name,
                          kind=e.kind, parent=e.parent_id, path=e.path)


@subscriber(CategoryCreated)
def project_category(received: Received[CategoryCreated]) -> None:
    e = received.event
    services.category_project(tenant_id=_tenant(received), onboarding_id=e.category_id, name=e.name,
                              utility_service=e.utility_service_id, parent=e.parent_id)


@subscriber(PlanCreated)
def project_plan(received: Received[PlanCreated]) -> None:
    e = received.event
    services.plan_project(tenant_id=_tenant(received), onboarding_id=e.plan_id, name=e.name,
                          utility_service=e.utility_service_id, category=e.category_id)
