"""Writes of the projections: upserts keyed by the owning service's ids, so a redelivered or
reordered event converges on the same rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import connection

from bx.projections.models import Account, Plan, Reading, TariffVersion, UtilityService
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.mx import ReadingValidated
from smart360.contracts.onboarding import PlanCreated, TariffActivated, UtilityServiceCreated


def utility_service_upsert(*, tenant_id: uuid.UUID, event: UtilityServiceCreated) -> None:
    UtilityService.objects.update_or_create(
        tenant_id=tenant_id, service_id=event.utility_service_id,
        defaults={"code": event.code, "name": event.name, "unit": event.unit})


def plan_upsert(*, tenant_id: uuid.UUID, event: PlanCreated) -> None:
    Plan.objects.update_or_create(
        tenant_id=tenant_id, plan_id=event.plan_id,
        defaults={"name": event.name, "utility_service_id": event.utility_service_id,
                  "category_id": event.category_id})


def tariff_version_upsert(*, tenant_id: uuid.UUID, event: TariffActivated) -> None:
    """The version, and its plan if bx has not heard of it yet. Of two versions for the same day
    the higher number stays, whichever event arrives last."""
    Plan.objects.bulk_create(
        [Plan(tenant_id=tenant_id, plan_id=event.plan_id, utility_service_id=event.utility_service_id,
              category_id=event.category_id)],
        update_conflicts=True, unique_fields=["tenant_id", "plan_id"],
        update_fields=["utility_service_id", "category_id"])
    table = TariffVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, plan_id, version_id, number, effective_from, tariff, "  # noqa: S608
            "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s::jsonb, now(), now()) "
            "ON CONFLICT (tenant_id, plan_id, effective_from) DO UPDATE SET "
            "version_id = EXCLUDED.version_id, number = EXCLUDED.number, tariff = EXCLUDED.tariff, "
            f"updated_at = now() WHERE {table}.number <= EXCLUDED.number",
            [tenant_id, event.plan_id, event.version_id, event.tariff_version, event.effective_from,
             event.tariff.model_dump_json()],
        )


def account_upsert(*, tenant_id: uuid.UUID, event: ConnectionActivated) -> None:
    Account.objects.update_or_create(
        tenant_id=tenant_id, number=event.account_number,
        defaults={"account_id": event.account_id, "consumer_number": event.consumer_number,
                  "name": event.name, "email": event.email,
                  "utility_service_id": event.utility_service_id,
                  "category_id": event.category_id, "plan_id": event.plan_id,
                  "area_id": event.area_id, "premise": event.premise,
                  "meter_serial": event.meter_serial, "initial_reading": event.initial_reading,
                  "connected_at": event.connected_at})


def readings_upsert(*, readings: Sequence[tuple[uuid.UUID, ReadingValidated]]) -> int:
    """A batch of validated readings (any tenants) in ONE statement. A reading mx validates again
    (a manual override) replaces its earlier values."""
    rows = [Reading(tenant_id=tenant_id, reading_id=r.reading_id, account_number=r.account_number,
                    read_at=r.read_at, value=r.value, previous_value=r.previous_value,
                    consumption=r.consumption, bands={k: str(v) for k, v in r.bands.items()})
            for tenant_id, r in readings]
    latest = {(row.tenant_id, row.reading_id): row for row in rows}  # one row per key per statement
    Reading.objects.bulk_create(
        list(latest.values()), update_conflicts=True, unique_fields=["tenant_id", "reading_id"],
        update_fields=["account_number", "read_at", "value", "previous_value", "consumption", "bands",
                       "updated_at"])
    return len(latest)
