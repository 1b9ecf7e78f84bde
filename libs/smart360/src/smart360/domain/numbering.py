"""Document numbers from the tenant's ID format: prefix + date part + zero-padded sequence.

    number_take(tenant_id=t, entity="account", on=date(2024, 9, 3))   # "ACC-202409-0001"

The format is the tenant's (configured in onboarding, projected here as IdFormat) or the
caller's default. Sequences restart with each date part (each month for YYYYMM).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import connection

from smart360.domain.models import IdFormat, NumberSequence

DATE_PARTS = {"": "", "YYYY": "%Y", "YYYYMM": "%Y%m", "YYYYMMDD": "%Y%m%d"}


@dataclass(frozen=True)
class Format:
    prefix: str
    date_part: str = "YYYYMM"
    padding: int = 4

    def render(self, on: date, n: int) -> str:
        period = on.strftime(DATE_PARTS[self.date_part])
        return "-".join(p for p in (self.prefix, period, f"{n:0{self.padding}d}") if p)


def format_of(*, tenant_id: uuid.UUID, entity: str, default: Format) -> Format:
    row = IdFormat.objects.filter(tenant_id=tenant_id, entity=entity).first()
    return Format(row.prefix, row.date_part, row.padding) if row else default


def numbers_take(*, tenant_id: uuid.UUID, entity: str, on: date, count: int, default: Format
                 ) -> list[str]:
    """`count` consecutive numbers in one statement (bulk paths: a bill run numbers thousands).

    Runs in the caller's transaction: the sequence row stays locked until it commits, so the
    numbers are the caller's alone, and a rollback returns them.
    """
    fmt = format_of(tenant_id=tenant_id, entity=entity, default=default)
    period = on.strftime(DATE_PARTS[fmt.date_part])
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, entity, period, last) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (tenant_id, entity, period) DO UPDATE SET last = {table}.last + %s "
            "RETURNING last",
            [tenant_id, entity, period, count, count],
        )
        last = int(cursor.fetchone()[0])
    return [fmt.render(on, n) for n in range(last - count + 1, last + 1)]


def number_take(*, tenant_id: uuid.UUID, entity: str, on: date, default: Format) -> str:
    return numbers_take(tenant_id=tenant_id, entity=entity, on=on, count=1, default=default)[0]
