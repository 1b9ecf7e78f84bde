"""Writes of the setup projections: upserts from onboarding's events (idempotent)."""

from __future__ import annotations

import uuid
from typing import Any

from cx.setup.models import Area, Category, Plan, Projected, UtilityService


def _upsert(model: type[Projected], *, tenant_id: uuid.UUID, onboarding_id: int, **fields: Any
            ) -> None:
    model._default_manager.update_or_create(tenant_id=tenant_id, onboarding_id=onboarding_id,
                                   defaults=fields)


def utility_service_project(*, tenant_id: uuid.UUID, onboarding_id: int, code: str, name: str,
                            unit: str, metered: bool) -> None:
    _upsert(UtilityService, tenant_id=tenant_id, onboarding_id=onboarding_id, code=code, name=name,
            unit=unit, metered=metered)


def area_project(*, tenant_id: uuid.UUID, onboarding_id: int, name: str, kind: str,
                 parent: int | None, path: str) -> None:
    _upsert(Area, tenant_id=tenant_id, onboarding_id=onboarding_id, name=name, kind=kind,
            parent=parent, path=path)


def category_project(*, tenant_id: uuid.UUID, onboarding_id: int, name: str, utility_service: int,
                     parent: int | None) -> None:
    _upsert(Category, tenant_id=tenant_id, onboarding_id=onboarding_id, name=name,
            utility_service=utility_service, parent=parent)


def plan_project(*, tenant_id: uuid.UUID, onboarding_id: int, name: str, utility_service: int,
                 category: int) -> None:
    _upsert(Plan, tenant_id=tenant_id, onboarding_id=onboarding_id, name=name,
            utility_service=utility_service, category=category)
