"""Writes of cover: maintenance contracts (AMC) and insurance policies, and the expiry reminders
(`ax.cover.expiring`, once per cover, end date and window)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ax.assets.models import Asset
from ax.common import apply, check_dates, unique
from ax.covers.models import CoverReminder, InsurancePolicy, MaintenanceContract
from smart360.contracts.ax import CoverExpiring
from smart360.domain.models import TenantProfile
from smart360.domain.money import money
from smart360.errors import NotFound, ValidationFailed
from smart360.events.outbox import publish_many


@dataclass(frozen=True)
class Kind:
    """What differs between the two kinds of cover."""

    name: Literal["contract", "insurance"]  # CoverReminder.Kind
    model: Any
    number: str  # the field that names it (reference, policy number)
    money: tuple[str, ...]


CONTRACT = Kind("contract", MaintenanceContract, "reference", ("value",))
INSURANCE = Kind("insurance", InsurancePolicy, "policy_number",
                 ("sum_insured", "premium"))
KINDS = (CONTRACT, INSURANCE)


def _assets(tenant_id: uuid.UUID, ids: list[int]) -> list[Asset]:
    wanted = set(ids)
    found = list(Asset.objects.filter(tenant_id=tenant_id, pk__in=wanted).only("pk"))
    missing = sorted(wanted - {a.pk for a in found})
    if missing:
        raise NotFound(f"No such asset(s): {', '.join(map(str, missing))}.", code="unknown_asset")
    return found


def _check_period(starts_on: date, ends_on: date) -> None:
    check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationFailed("Cover cannot end before it starts.",
                               errors={"ends_on": "before starts_on"})


@transaction.atomic
def cover_create(*, kind: Kind, tenant_id: uuid.UUID, assets: list[int], **fields: Any) -> Any:
    """A contract or policy over some of this tenant's assets. Money is rounded once (money())."""
    _check_period(fields["starts_on"], fields["ends_on"])
    covered = _assets(tenant_id, assets)
    for field in kind.money:
        fields[field] = money(fields[field])
    with unique(kind.model._meta.verbose_name.capitalize(), fields[kind.number]):
        cover = kind.model.objects.create(tenant_id=tenant_id, **fields)
    cover.assets.set(covered)
    return cover


@transaction.atomic
def cover_update(*, kind: Kind, tenant_id: uuid.UUID, cover_id: int, **changes: Any) -> Any:
    """Change a cover: extend or renew it (a new end date gets its own reminders), its value, its
    assets (`assets` replaces the list)."""
    cover = kind.model.objects.select_for_update().filter(tenant_id=tenant_id, pk=cover_id).first()
    if cover is None:
        raise NotFound(f"No such {kind.model._meta.verbose_name} {cover_id}.")
    assets = changes.pop("assets", None)
    _check_period(changes.get("starts_on", cover.starts_on), changes.get("ends_on", cover.ends_on))
    for field in kind.money:
        if field in changes:
            changes[field] = money(changes[field])
    changed = apply(cover, changes)
    if changed:
        with unique(kind.model._meta.verbose_name.capitalize(), changes.get(kind.number)):
            cover.save(update_fields=[*changed, "updated_at"])
    if assets is not None:
        cover.assets.set(_assets(tenant_id, assets))
    return cover


# -- expiry reminders ----------------------------------------------------------------------------
_PROFILE = TenantProfile._meta.db_table
_REMINDER = CoverReminder._meta.db_table


def _windows_sql(windows: tuple[int, ...]) -> str:
    """The tightest window a cover `days` from its end falls in (windows are whole numbers)."""
    cases = " ".join(f"WHEN c.ends_on - d.today <= {int(w)} THEN {int(w)}" for w in sorted(windows))
    return f"CASE {cases} END"


def cover_reminders_send(*, as_of: date | None) -> dict[str, int]:
    """Announce (`ax.cover.expiring`) every contract and policy ending within the reminder windows
    (AX_COVER_REMINDER_DAYS, 30 and 7 days), as of `as_of` or each tenant's own today.

    Set-based and once-only: per kind, one INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING of
    the reminders (unique per cover, end date and window) picks what is new, one SELECT reads those
    covers, and one COPY per tenant publishes them. A re-run, an overlapping beat or a run as of
    an earlier day finds its reminders taken and sends nothing twice. A cover found inside the
    7-day window gets that reminder only, never the 30-day one after it.
    """
    windows: tuple[int, ...] = tuple(settings.AX_COVER_REMINDER_DAYS)
    widest = max(windows)
    # Bounds on ends_on in UTC dates, a day wider than any tenant's today, so the scan uses the
    # ends_on index; the exact window is decided per tenant below.
    base = as_of or timezone.now().date()
    low, high = base - timedelta(days=1), base + timedelta(days=widest + 1)
    sent: dict[str, int] = {}
    with transaction.atomic():
        for kind in KINDS:
            table = kind.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {_REMINDER} (tenant_id, kind, cover_id, ends_on, window_days, "  # noqa: S608
                    "sent_on, created_at, updated_at) "
                    f"SELECT c.tenant_id, %s, c.id, c.ends_on, {_windows_sql(windows)}, d.today, "
                    f"now(), now() FROM {table} c LEFT JOIN {_PROFILE} p ON p.tenant_id = c.tenant_id "
                    "CROSS JOIN LATERAL (SELECT COALESCE(%s::date, (now() AT TIME ZONE "
                    "COALESCE(p.timezone, 'UTC'))::date) AS today) d "
                    "WHERE c.ends_on BETWEEN %s AND %s "
                    "AND c.ends_on >= d.today AND c.ends_on <= d.today + %s "
                    "ON CONFLICT (kind, cover_id, ends_on, window_days) DO NOTHING "
                    "RETURNING cover_id, sent_on",
                    [kind.name, as_of, low, high, widest])
                fresh = dict(cursor.fetchall())
            sent[kind.name] = _publish(kind, fresh)
    return {"contracts": sent[CONTRACT.name], "insurance": sent[INSURANCE.name]}


def _publish(kind: Kind, fresh: dict[int, date]) -> int:
    if not fresh:
        return 0
    by_tenant: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for cover in kind.model.objects.filter(pk__in=fresh).order_by("pk"):
        by_tenant[cover.tenant_id].append(cover)
    return sum(publish_many((CoverExpiring(
        kind=kind.name, cover_id=c.pk, name=getattr(c, kind.number), provider=c.provider,
        expires_on=c.ends_on, notify_email=c.notify_email, days_left=(c.ends_on - fresh[c.pk]).days,
    ) for c in covers), tenant_id=tenant) for tenant, covers in by_tenant.items())

