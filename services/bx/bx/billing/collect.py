"""Collect: one SQL statement per chunk joins a service's accounts with their consumption in the
period and their history — the set-based read of a bill run (no per-account round trip)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from bx.billing.models import Bill
from bx.projections.models import Account, Reading
from smart360.domain.tenants import tenant_zone

HISTORY_DAYS = 365


@dataclass(frozen=True)
class Row:
    account_id: int
    number: str
    plan_id: int
    consumption: Decimal | None  # None: no reading in the period
    readings: int
    lowest: Decimal | None
    bands: dict[str, Decimal]
    average: Decimal | None  # mean consumption per reading over the year before
    billed_elsewhere: bool  # a live cycle bill of another run already covers the period


@dataclass(frozen=True)
class Window:
    """A period as instants in the tenant's zone: [start 00:00, day after end 00:00)."""

    since: datetime
    until: datetime
    history: datetime

    @classmethod
    def of(cls, *, tenant_id: uuid.UUID, period_start: date, period_end: date) -> Window:
        zone: ZoneInfo = tenant_zone(tenant_id)
        since = datetime.combine(period_start, time(), zone)
        until = datetime.combine(period_end + timedelta(days=1), time(), zone)
        return cls(since, until, since - timedelta(days=HISTORY_DAYS))


_SQL = f"""
WITH chunk AS (
    SELECT a.id, a.number, a.plan_id FROM {Account._meta.db_table} a
    WHERE a.tenant_id = %(tenant)s AND a.utility_service_id = %(service)s AND a.id > %(after)s
      AND a.connected_at < %(until)s {{extra}}
    ORDER BY a.id LIMIT %(limit)s
)
SELECT c.id, c.number, c.plan_id, r.total, r.n, r.lowest, r.bands, h.average,
       EXISTS (SELECT 1 FROM {Bill._meta.db_table} b
               WHERE b.tenant_id = %(tenant)s AND b.account_id = c.id AND b.kind = 'CYCLE'
                 AND NOT b.simulated AND b.status <> 'VOID' AND b.run_id IS DISTINCT FROM %(run)s
                 AND b.period_start <= %(end)s AND b.period_end >= %(start)s)
FROM chunk c
LEFT JOIN LATERAL (
    SELECT sum(x.consumption) AS total, count(*) AS n, min(x.consumption) AS lowest,
           jsonb_agg(x.bands) FILTER (WHERE x.bands <> '{{{{}}}}'::jsonb) AS bands
    FROM {Reading._meta.db_table} x
    WHERE x.tenant_id = %(tenant)s AND x.account_number = c.number
      AND x.read_at >= %(since)s AND x.read_at < %(until)s) r ON true
LEFT JOIN LATERAL (
    SELECT avg(y.consumption) AS average FROM {Reading._meta.db_table} y
    WHERE y.tenant_id = %(tenant)s AND y.account_number = c.number
      AND y.read_at >= %(history)s AND y.read_at < %(since)s) h ON true
ORDER BY c.id
"""  # noqa: S608 - table names are ours


def _bands(raw: Any) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for registers in raw or ():
        for name, value in registers.items():
            total[name] = total.get(name, Decimal(0)) + Decimal(str(value))
    return total


def chunk(*, tenant_id: uuid.UUID, service_id: int, period_start: date, period_end: date,
          window: Window, after: int, limit: int, run_id: int | None = None,
          only: Mapping[str, Any] | None = None) -> list[Row]:
    """The next `limit` accounts of the service after account id `after`, with what they used.

    `only` narrows the accounts: {"plan": id} (a tariff simulation) or {"account": id}."""
    extra = ""
    params: dict[str, Any] = {
        "tenant": tenant_id, "service": service_id, "after": after, "limit": limit,
        "since": window.since, "until": window.until, "history": window.history,
        "start": period_start, "end": period_end, "run": run_id}
    if only and "plan" in only:
        extra, params["plan"] = "AND a.plan_id = %(plan)s", only["plan"]
    elif only and "account" in only:
        extra, params["account"] = "AND a.id = %(account)s", only["account"]
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(extra=extra), params)
        return [Row(r[0], r[1], r[2], r[3], int(r[4] or 0), r[5], _bands(r[6]), r[7], r[8])
                for r in cursor.fetchall()]
