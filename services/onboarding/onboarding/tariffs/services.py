"""Writes of plans and tariff versions, and their activation.

A version is validated when written (tariffs/validation.py), one per effective date, never
earlier than the version in effect. It is announced once (`activated_at`): at once when written
with an effective date on or before the tenant's today, else by the nightly job on the day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pydantic
from django.db import connection, transaction
from django.utils import timezone

from onboarding.catalog.models import Category, UtilityService
from onboarding.common import order_conflict, tenant_today, unique_or_conflict
from onboarding.organizations.models import Organization
from onboarding.tariffs.models import Plan, TariffVersion
from onboarding.tariffs.validation import tariff_check
from smart360.contracts.onboarding import PlanCreated, Tariff, TariffActivated
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish_many


def tariff_parse(data: dict[str, Any]) -> tuple[date, Tariff]:
    """(effective_from, Tariff) from the API's `tariff` object, or a 400 naming each bad field."""
    fields = dict(data)
    effective_from = fields.pop("effective_from")
    try:
        tariff = Tariff.model_validate(fields)
    except pydantic.ValidationError as exc:
        errors = {"tariff." + ".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()}
        raise ValidationFailed("The tariff is not valid: " + "; ".join(
            f"{k}: {v}" for k, v in errors.items()), errors=errors) from exc
    errors = {f"tariff.{k}": v for k, v in tariff_check(tariff).items()}
    if errors:
        raise ValidationFailed("The tariff is not valid: " + "; ".join(
            f"{k}: {v}" for k, v in errors.items()), errors=errors, code="invalid_tariff")
    return effective_from, tariff


def _activated(version: TariffVersion, plan: Plan) -> dict[str, Any]:
    return {"plan_id": plan.pk, "version_id": version.pk, "tariff_version": version.number,
            "utility_service_id": plan.utility_service_id, "category_id": plan.category_id,
            "effective_from": version.effective_from,
            "tariff": Tariff.model_validate(version.tariff)}


def _version_add(*, plan: Plan, number: int, effective_from: date, tariff: Tariff,
                 today: date) -> TariffVersion:
    """Inside the caller's transaction: the version, announced now when already in effect."""
    now = timezone.now()
    with unique_or_conflict(f"A version of this plan already takes effect on {effective_from}.",
                            code="duplicate_effective_date"):
        version = TariffVersion.objects.create(
            tenant_id=plan.tenant_id, plan=plan, number=number, effective_from=effective_from,
            tariff=tariff.model_dump(mode="json"),
            activated_at=now if effective_from <= today else None)
    if version.activated_at is not None:
        publish_many([TariffActivated(**_activated(version, plan))], tenant_id=plan.tenant_id)
    return version


def plan_create(*, tenant_id: uuid.UUID, name: str, utility_service: int, category: int,
                tariff: dict[str, Any]) -> Plan:
    service = UtilityService.objects.filter(tenant_id=tenant_id, pk=utility_service).first()
    if service is None:
        raise order_conflict(f"Utility service {utility_service} does not exist: create the "
                             "utility service before its plans.")
    category_row = Category.objects.filter(tenant_id=tenant_id, pk=category).first()
    if category_row is None:
        raise order_conflict(f"Category {category} does not exist: create the category before "
                             "its plans.")
    if category_row.utility_service_id != service.pk:
        raise ValidationFailed("The category belongs to another utility service.",
                               errors={"category": "not a category of this utility service"})
    effective_from, parsed = tariff_parse(tariff)
    today = tenant_today(tenant_id)
    with transaction.atomic():
        with unique_or_conflict(f"A plan named {name!r} already exists."):
            plan = Plan.objects.create(tenant_id=tenant_id, name=name, utility_service=service,
                                       category=category_row)
        publish_many([PlanCreated(plan_id=plan.pk, name=plan.name, utility_service_id=service.pk,
                                  category_id=category_row.pk)], tenant_id=tenant_id)
        _version_add(plan=plan, number=1, effective_from=effective_from, tariff=parsed,
                     today=today)
    return plan


def version_create(*, tenant_id: uuid.UUID, plan_id: int, tariff: dict[str, Any]
                   ) -> TariffVersion:
    effective_from, parsed = tariff_parse(tariff)
    today = tenant_today(tenant_id)
    with transaction.atomic():
        # The plan row serializes its versions' writers: numbers and dates are checked in order.
        plan = Plan.objects.select_for_update().filter(tenant_id=tenant_id, pk=plan_id).first()
        if plan is None:
            raise NotFound("No such plan.")
        versions = list(plan.versions.order_by("effective_from"))
        if any(v.effective_from == effective_from for v in versions):
            raise Conflict(f"A version of this plan already takes effect on {effective_from}.",
                           code="duplicate_effective_date")
        in_effect = [v for v in versions if v.effective_from <= today]
        if in_effect and effective_from < in_effect[-1].effective_from:
            current = in_effect[-1]
            raise Conflict(f"A new version takes effect after the current one (version "
                           f"{current.number}, in effect since {current.effective_from}).",
                           code="version_not_later")
        number = max((v.number for v in versions), default=0) + 1
        return _version_add(plan=plan, number=number, effective_from=effective_from,
                            tariff=parsed, today=today)


def tariff_versions_activate_due(*, as_of: date | None = None, now: datetime | None = None
                                 ) -> dict[str, int]:
    """Announce every version not yet announced whose effective date has come: on or before
    `as_of`, else each tenant's own today (its organization's time zone, at `now`). Set-based:
    one UPDATE … RETURNING marks them (so each is announced once), then one COPY of events per
    tenant. Idempotent."""
    now = now or timezone.now()
    versions = TariffVersion._meta.db_table
    organizations = Organization._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {versions} v SET activated_at = %s, updated_at = %s "  # noqa: S608
                "WHERE v.activated_at IS NULL AND v.effective_from <= COALESCE(%s::date, "
                f"  (%s::timestamptz AT TIME ZONE COALESCE((SELECT o.timezone FROM {organizations} o "
                "   WHERE o.id = v.tenant_id), 'UTC'))::date) "
                "RETURNING v.id",
                [now, now, as_of, now],
            )
            ids = [row[0] for row in cursor.fetchall()]
        by_tenant: dict[uuid.UUID, list[TariffVersion]] = defaultdict(list)
        for version in (TariffVersion.objects.filter(pk__in=ids).select_related("plan")
                        .order_by("tenant_id", "effective_from", "pk")):
            by_tenant[version.tenant_id].append(version)
        for tenant_id, due in by_tenant.items():
            publish_many([TariffActivated(**_activated(v, v.plan)) for v in due],
                         tenant_id=tenant_id)
    return {"activated": len(ids), "tenants": len(by_tenant)}
