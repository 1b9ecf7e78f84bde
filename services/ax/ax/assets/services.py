"""Writes of the registry: plants, units, categories and types, assets and their lifecycle,
condition assessments, usage, service history (by hand, or from wx's completed work orders).

Asset: ACTIVE ⇄ UNDER_MAINTENANCE, ACTIVE ⇄ OUT_OF_SERVICE, UNDER_MAINTENANCE → OUT_OF_SERVICE,
and any of them → DECOMMISSIONED (final). Any other move is a 409 naming the allowed ones.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ax.assets.models import (
    GRADE_OF_SCORE,
    Area,
    Asset,
    AssetCategory,
    AssetType,
    ConditionAssessment,
    Plant,
    ServiceRecord,
    Unit,
)
from ax.common import apply, check_dates, unique
from smart360.contracts.onboarding import AreaCreated
from smart360.contracts.wx import WorkOrderCompleted
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.logging import get_logger

log = get_logger(__name__)
S = Asset.Status
ASSET = StateMachine("asset", {
    S.ACTIVE: (S.UNDER_MAINTENANCE, S.OUT_OF_SERVICE, S.DECOMMISSIONED),
    S.UNDER_MAINTENANCE: (S.ACTIVE, S.OUT_OF_SERVICE, S.DECOMMISSIONED),
    S.OUT_OF_SERVICE: (S.ACTIVE, S.DECOMMISSIONED),
})
USAGE_READING = "usage"  # the key of a completion's readings that is the asset's usage counter
MAX_USAGE = Decimal(10**11)  # what Asset.usage holds


# -- areas (onboarding's) ------------------------------------------------------------------------
def area_project(*, tenant_id: uuid.UUID, event: AreaCreated) -> None:
    Area.objects.update_or_create(
        tenant_id=tenant_id, area_id=event.area_id,
        defaults={"name": event.name, "kind": event.kind, "parent_id": event.parent_id,
                  "path": event.path})


def _known_area(tenant_id: uuid.UUID, area: int | None) -> int | None:
    if area is not None and not Area.objects.filter(tenant_id=tenant_id, area_id=area).exists():
        raise NotFound(f"Unknown area {area} (onboarding's areas reach ax by event).",
                       code="unknown_area")
    return area


def _one(model: Any, tenant_id: uuid.UUID, pk: int, what: str, *, lock: bool = False) -> Any:
    rows = model.objects.filter(tenant_id=tenant_id, pk=pk)
    found = (rows.select_for_update() if lock else rows).first()
    if found is None:  # absent, or another tenant's: the same 404
        raise NotFound(f"No such {what} {pk}.", code=f"unknown_{what.replace(' ', '_')}")
    return found


def _update(row: Any, changes: dict[str, Any]) -> Any:
    changed = apply(row, changes)
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
    return row


# -- plants and units ----------------------------------------------------------------------------
def plant_create(*, tenant_id: uuid.UUID, code: str, name: str, area: int | None = None,
                 address: str = "") -> Plant:
    _known_area(tenant_id, area)
    with unique("Plant", code):
        return Plant.objects.create(tenant_id=tenant_id, code=code, name=name, area_id=area,
                                    address=address)


@transaction.atomic
def plant_update(*, tenant_id: uuid.UUID, plant_id: int, **changes: Any) -> Plant:
    plant = _one(Plant, tenant_id, plant_id, "plant", lock=True)
    if "area" in changes:
        changes["area_id"] = _known_area(tenant_id, changes.pop("area"))
    with unique("Plant", changes.get("code")):
        return _update(plant, changes)


def unit_create(*, tenant_id: uuid.UUID, plant: int, code: str, name: str) -> Unit:
    parent = _one(Plant, tenant_id, plant, "plant")
    with unique("Unit", code):
        return Unit.objects.create(tenant_id=tenant_id, plant=parent, code=code, name=name)


@transaction.atomic
def unit_update(*, tenant_id: uuid.UUID, unit_id: int, **changes: Any) -> Unit:
    unit = _one(Unit, tenant_id, unit_id, "unit", lock=True)
    if "plant" in changes:
        changes["plant"] = _one(Plant, tenant_id, changes["plant"], "plant")
    with unique("Unit", changes.get("code")):
        return _update(unit, changes)


# -- categories and types ------------------------------------------------------------------------
def category_create(*, tenant_id: uuid.UUID, code: str, name: str) -> AssetCategory:
    with unique("Asset category", code):
        return AssetCategory.objects.create(tenant_id=tenant_id, code=code, name=name)


def asset_type_create(*, tenant_id: uuid.UUID, category: int, code: str, name: str) -> AssetType:
    parent = _one(AssetCategory, tenant_id, category, "asset category")
    with unique("Asset type", code):
        return AssetType.objects.create(tenant_id=tenant_id, category=parent, code=code, name=name)


# -- assets --------------------------------------------------------------------------------------
def asset_create(*, tenant_id: uuid.UUID, tag: str, name: str, unit: int, asset_type: int,
                 area: int | None = None, **details: Any) -> Asset:
    """An ACTIVE asset in a unit; it stands in its plant's area unless told otherwise."""
    check_dates(commissioned_on=details.get("commissioned_on"))
    parent = Unit.objects.select_related("plant").filter(tenant_id=tenant_id, pk=unit).first()
    if parent is None:
        raise NotFound(f"No such unit {unit}.", code="unknown_unit")
    kind = _one(AssetType, tenant_id, asset_type, "asset type")
    with unique("Asset", tag):
        return Asset.objects.create(
            tenant_id=tenant_id, tag=tag, name=name, unit=parent, asset_type=kind,
            area_id=_known_area(tenant_id, area) if area is not None else parent.plant.area_id,
            status_changed_at=timezone.now(), **details)


@transaction.atomic
def asset_update(*, tenant_id: uuid.UUID, asset_id: int, **changes: Any) -> Asset:
    """Details, place (unit, area) and type; status and condition change through their own
    operations."""
    asset = _one(Asset, tenant_id, asset_id, "asset", lock=True)
    check_dates(commissioned_on=changes.get("commissioned_on"))
    if "unit" in changes:
        changes["unit"] = _one(Unit, tenant_id, changes["unit"], "unit")
    if "asset_type" in changes:
        changes["asset_type"] = _one(AssetType, tenant_id, changes["asset_type"], "asset type")
    if "area" in changes:
        changes["area_id"] = _known_area(tenant_id, changes.pop("area"))
    with unique("Asset", changes.get("tag")):
        return _update(asset, changes)


def asset_move(*, tenant_id: uuid.UUID, asset_id: int, status: str) -> None:
    """One conditional UPDATE (smart360.domain.states): 409 naming the allowed moves."""
    ASSET.move(Asset.objects.filter(tenant_id=tenant_id, pk=asset_id), status,
               label=f"Asset {asset_id}", status_changed_at=timezone.now(),
               updated_at=timezone.now())


def _in_service(tenant_id: uuid.UUID, asset_id: int, doing: str) -> Asset:
    asset = _one(Asset, tenant_id, asset_id, "asset")
    if asset.status == S.DECOMMISSIONED:
        raise Conflict(f"Asset {asset_id} is DECOMMISSIONED; it takes no {doing}.",
                       code="asset_decommissioned", extra={"current": asset.status})
    return asset


@transaction.atomic
def assessment_create(*, tenant_id: uuid.UUID, asset_id: int, score: int,
                      assessed_at: datetime | None = None, notes: str = "",
                      assessed_by: str = "") -> ConditionAssessment:
    """Record a condition assessment. The asset's current condition is its latest assessment:
    a back-dated one joins the history without replacing a newer condition."""
    now = timezone.now()
    assessed_at = assessed_at or now
    if assessed_at > now:
        raise ValidationFailed("An assessment cannot be in the future.",
                               errors={"assessed_at": "in the future"})
    asset = _in_service(tenant_id, asset_id, "assessments")
    grade = GRADE_OF_SCORE[score]
    assessment = ConditionAssessment.objects.create(
        tenant_id=tenant_id, asset=asset, assessed_at=assessed_at, score=score, grade=grade,
        notes=notes, assessed_by=assessed_by)
    Asset.objects.filter(pk=asset.pk).filter(
        Q(condition_assessed_at__isnull=True) | Q(condition_assessed_at__lte=assessed_at)
    ).update(condition=grade, condition_score=score, condition_assessed_at=assessed_at,
             updated_at=now)
    return assessment


def usage_record(*, tenant_id: uuid.UUID, asset_id: int, reading: Decimal,
                 read_at: datetime | None = None) -> Asset:
    """The asset's usage counter (hours run, cycles). It only goes up: a lower reading is a 409."""
    now = timezone.now()
    read_at = read_at or now
    if read_at > now:
        raise ValidationFailed("A reading cannot be in the future.", errors={"read_at": "in the future"})
    asset = _in_service(tenant_id, asset_id, "usage readings")
    updated = Asset.objects.filter(pk=asset.pk, usage__lte=reading).update(
        usage=reading, usage_read_at=read_at, updated_at=now)
    if not updated:
        raise Conflict(f"Asset {asset_id}'s usage is {asset.usage}; a reading of {reading} is lower.",
                       code="usage_goes_up", extra={"current": str(asset.usage)})
    asset.refresh_from_db()
    return asset


# -- service history -----------------------------------------------------------------------------
def service_record_create(*, tenant_id: uuid.UUID, asset_id: int, kind: str, notes: str = "",
                          performed_at: datetime | None = None) -> ServiceRecord:
    """Work recorded by hand (done outside wx: a vendor's visit under an AMC)."""
    now = timezone.now()
    if performed_at is not None and performed_at > now:
        raise ValidationFailed("Service cannot be recorded in the future.",
                               errors={"performed_at": "in the future"})
    asset = _one(Asset, tenant_id, asset_id, "asset")
    return ServiceRecord.objects.create(
        tenant_id=tenant_id, asset=asset, source=ServiceRecord.Source.MANUAL, kind=kind,
        notes=notes, performed_at=performed_at or now)


def service_record_from_work_order(*, tenant_id: uuid.UUID, event: WorkOrderCompleted) -> bool:
    """wx completed a work order on one of this tenant's assets: one history row per work order
    (INSERT … ON CONFLICT DO NOTHING, so a redelivered or repeated completion adds nothing), and
    a `usage` reading in it moves the asset's counter up. False when nothing was recorded."""
    asset = Asset.objects.filter(tenant_id=tenant_id, pk=event.asset_id).only("pk").first()
    if asset is None:
        log.warning("workorder_for_unknown_asset", asset_id=event.asset_id, number=event.number)
        return False
    readings = {k: str(v) for k, v in event.readings.items()}
    table = ServiceRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, asset_id, source, work_order_id, number, kind, "  # noqa: S608
            "outcome, request_key, notes, readings, performed_at, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, now(), now()) "
            "ON CONFLICT (tenant_id, work_order_id) WHERE work_order_id IS NOT NULL DO NOTHING",
            [tenant_id, asset.pk, ServiceRecord.Source.WORK_ORDER, event.work_order_id,
             event.number, event.kind, event.outcome, event.request_key or "", event.notes,
             json.dumps(readings), event.completed_at])
        created = cursor.rowcount == 1
    usage = event.readings.get(USAGE_READING)
    if created and usage is not None and 0 <= usage < MAX_USAGE:
        Asset.objects.filter(pk=asset.pk, usage__lt=usage).update(
            usage=usage, usage_read_at=event.completed_at, updated_at=timezone.now())
    return created
