"""Readings in, validated set-based: one path for a single reading and for a 50,000-line file.

The rows are COPYed into a temporary table, then a fixed number of statements match them to their
meters, refuse the bad ones (each with its line and reason), measure consumption from each meter's
last validated reading, apply the rules, insert the readings, move the meters' base on and publish
`mx.reading.validated` for PASS and EXEMPTION by COPY (publish_many). All in the caller's
transaction: the accepted set is written whole or not at all.

Rules (in this order; `average` is the mean consumption of the meter's last HISTORY validated
readings, when it has at least HISTORY_MIN of them):
- consumption < 0: REVISIT (`negative`) — unless the register plausibly rolled over (the previous
  value in the top tenth of the dial, the new one in the bottom tenth): then the consumption is
  10**digits - previous + value and the remaining rules apply to it (`rollover` when it passes);
- consumption = 0: EXEMPTION (`zero`). A vacant or seasonal premise reads the same for months;
  that is billable (fixed charges), so it is validated and published with consumption 0 rather
  than sent back to the field; bx flags zero consumption as a run exception of its own;
- consumption > SPIKE_FACTOR * average: REVISIT (`spike`);
- otherwise PASS.
A reading more than one per meter in a file is taken in read_at order: round k handles each
meter's k-th reading, so the k+1-th is measured from the k-th when that one validated.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from mx.meters.models import Meter
from mx.readings.models import ReadCycle, Reading
from smart360.contracts.mx import ReadingValidated
from smart360.events.outbox import publish_many

SPIKE_FACTOR = Decimal(3)
HISTORY = 6
HISTORY_MIN = 3
ANALYZE_FROM = 1000  # rows: below this the planner's default guesses are good enough

_M, _R, _C = Meter._meta.db_table, Reading._meta.db_table, ReadCycle._meta.db_table
_VALID = "('PASS', 'EXEMPTION')"


@dataclass(frozen=True)
class Row:
    line: int
    serial: str
    read_at: datetime
    value: Decimal
    photo: str = ""


@dataclass
class Outcome:
    accepted: list[dict[str, Any]] = field(default_factory=list)  # the readings written
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {line, code, error}
    statuses: dict[str, int] = field(default_factory=dict)


# Each refusal: (code, condition on s (stage) and m (meter), message built in SQL).
_REFUSALS = [
    ("meter_not_installed", "m.status <> 'INSTALLED'",
     "format('meter %%s is %%s, not INSTALLED', m.serial, m.status)"),
    ("no_account", "m.account_number = ''",
     "format('meter %%s is not linked to an account yet', m.serial)"),
    ("too_many_digits", "s.value >= power(10::numeric, m.digits)",
     "format('value %%s does not fit meter %%s''s %%s digits', s.value, m.serial, m.digits)"),
    ("not_after_last", "m.last_read_at IS NOT NULL AND s.read_at <= m.last_read_at",
     "format('read_at is not after the meter''s last validated reading (%%s)', "
     "to_char(m.last_read_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"),
]


def _sql(cursor: Any, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
    """Every statement goes with parameters, even none, so `%%` always means a literal `%`."""
    cursor.execute(sql, [] if params is None else params)


def ingest(*, tenant_id: uuid.UUID, rows: Iterable[Row], source: str, zone: str) -> Outcome:
    """Validate and record `rows` for one tenant; `zone` is the tenant's time zone (read cycles
    are calendar dates there). Must run inside a transaction (the caller's)."""
    assert transaction.get_connection().in_atomic_block, "ingest runs in the caller's transaction"
    with connection.cursor() as cursor:
        # The planner's estimates for these set-based statements cross JIT's thresholds, and
        # compiling cost 1.6 s per statement on 50,000 rows (measured) for no gain at run time.
        _sql(cursor, "SET LOCAL jit = off")
        _sql(cursor, "DROP TABLE IF EXISTS mx_stage")
        _sql(cursor, """
            CREATE TEMP TABLE mx_stage (
                line int PRIMARY KEY, serial text, read_at timestamptz, value numeric(14,3),
                photo text, meter_id bigint, account_number text, area_ref text,
                utility_service text, digits int, code text, error text, rn int, id bigint,
                cycle_id bigint, previous_value numeric(14,3), previous_read_at timestamptz,
                average numeric, consumption numeric(14,3), status text, rule text
            ) ON COMMIT DROP""")
        count = 0
        raw: Any = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy("COPY mx_stage (line, serial, read_at, value, photo) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.line, row.serial, row.read_at, row.value, row.photo))
                count += 1
        if not count:
            return Outcome()
        if count >= ANALYZE_FROM:
            _sql(cursor, "ANALYZE mx_stage")
        # The meters, locked in id order: concurrent files on the same meters queue up here
        # instead of both measuring from the same base.
        _sql(cursor, f"SELECT m.id FROM {_M} m JOIN mx_stage s ON s.serial = m.serial "  # noqa: S608
                     "WHERE m.tenant_id = %s ORDER BY m.id FOR UPDATE OF m", [tenant_id])
        codes = "CASE " + " ".join(f"WHEN {cond} THEN '{code}'" for code, cond, _ in _REFUSALS)
        errors = "CASE " + " ".join(f"WHEN {cond} THEN {msg}" for _, cond, msg in _REFUSALS)
        _sql(cursor, f"""
            UPDATE mx_stage s SET meter_id = m.id, account_number = m.account_number,
                area_ref = m.area_ref, utility_service = m.utility_service, digits = m.digits,
                previous_value = m.last_value, previous_read_at = m.last_read_at,
                code = {codes} END, error = {errors} END
            FROM {_M} m WHERE m.tenant_id = %s AND m.serial = s.serial""",  # noqa: S608
             [tenant_id])
        _sql(cursor, "UPDATE mx_stage SET code = 'unknown_meter', "
                     "error = format('no meter %%s', serial) WHERE meter_id IS NULL")
        _sql(cursor, """
            UPDATE mx_stage s SET code = 'duplicate',
                error = format('the same meter and read_at as line %%s', d.first)
            FROM (SELECT line, min(line) OVER (PARTITION BY meter_id, read_at) AS first
                  FROM mx_stage WHERE code IS NULL) d
            WHERE s.line = d.line AND d.line <> d.first""")
        _sql(cursor, f"""
            UPDATE mx_stage s SET code = 'duplicate',
                error = 'this meter already has a reading at that read_at'
            FROM {_R} r WHERE s.code IS NULL AND r.meter_id = s.meter_id
                AND r.read_at = s.read_at AND r.status <> 'MISSING'""")  # noqa: S608
        # Ids from the readings' own sequence, so the events can name them before the INSERT.
        _sql(cursor, f"""
            UPDATE mx_stage s SET rn = o.rn, id = nextval(pg_get_serial_sequence('{_R}', 'id')),
                cycle_id = (SELECT c.id FROM {_C} c WHERE c.tenant_id = %(tenant)s
                            AND c.area_ref = s.area_ref AND c.utility_service = s.utility_service
                            AND (s.read_at AT TIME ZONE %(zone)s)::date
                                BETWEEN c.scheduled_start_on AND c.due_on
                            ORDER BY c.scheduled_start_on DESC LIMIT 1)
            FROM (SELECT line, row_number() OVER (PARTITION BY meter_id ORDER BY read_at) AS rn
                  FROM mx_stage WHERE code IS NULL) o
            WHERE s.line = o.line""", {"tenant": tenant_id, "zone": zone})  # noqa: S608
        _sql(cursor, "SELECT coalesce(max(rn), 0) FROM mx_stage")
        rounds = cursor.fetchone()[0]
        for k in range(1, rounds + 1):
            _round(cursor, tenant_id=tenant_id, k=k, source=source)
        _sql(cursor, """
            SELECT s.id, s.line, s.serial, s.account_number, s.read_at, s.value, s.previous_value,
                   s.previous_read_at, s.consumption, s.status, s.rule, s.photo, s.cycle_id,
                   s.meter_id
            FROM mx_stage s WHERE s.code IS NULL ORDER BY s.line""")
        names = [c.name for c in cursor.description]
        accepted = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        _sql(cursor, "SELECT line, code, error FROM mx_stage WHERE code IS NOT NULL ORDER BY line")
        rejected = [{"line": line, "code": code, "error": error}
                    for line, code, error in cursor.fetchall()]
    publish_many((_event(r) for r in accepted if r["status"] in Reading.VALIDATED),
                 tenant_id=tenant_id)
    statuses: dict[str, int] = {}
    for r in accepted:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return Outcome(accepted=accepted, rejected=rejected, statuses=statuses)


def _round(cursor: Any, *, tenant_id: uuid.UUID, k: int, source: str) -> None:
    """Each meter's k-th reading of the batch: measure, classify, insert, move the base on."""
    if k > 1:  # the first round measured from the bases read while matching
        _sql(cursor, f"""
            UPDATE mx_stage s SET previous_value = m.last_value, previous_read_at = m.last_read_at
            FROM {_M} m WHERE s.rn = %s AND m.id = s.meter_id""", [k])  # noqa: S608
    # Measure and classify in one pass; the history mean is looked up only for the rows it can
    # change (a positive consumption), through the meter's newest-first index.
    _sql(cursor, f"""
        UPDATE mx_stage s SET consumption = x.c, average = x.average,
            status = CASE WHEN x.c < 0 THEN 'REVISIT' WHEN x.c = 0 THEN 'EXEMPTION'
                          WHEN x.average > 0 AND x.c > %(factor)s * x.average THEN 'REVISIT'
                          ELSE 'PASS' END,
            rule = CASE WHEN x.c < 0 THEN 'negative' WHEN x.c = 0 THEN 'zero'
                        WHEN x.average > 0 AND x.c > %(factor)s * x.average THEN 'spike'
                        WHEN x.rolled THEN 'rollover' ELSE '' END
        FROM (SELECT line, rolled, c, CASE WHEN c > 0 THEN (
                  SELECT avg(h.consumption) FROM (
                      SELECT r.consumption FROM {_R} r
                      WHERE r.meter_id = z.meter_id AND r.status IN {_VALID}
                        AND r.source <> 'INSTALLATION'
                      ORDER BY r.read_at DESC LIMIT %(history)s) h
                  HAVING count(*) >= %(history_min)s) END AS average
              FROM (SELECT line, meter_id, rolled,
                           CASE WHEN rolled THEN dial - previous_value + value
                                ELSE value - previous_value END AS c
                    FROM (SELECT line, meter_id, value, previous_value,
                                 power(10::numeric, digits) AS dial,
                                 value < previous_value
                                 AND previous_value >= 0.9 * power(10::numeric, digits)
                                 AND value < 0.1 * power(10::numeric, digits) AS rolled
                          FROM mx_stage WHERE rn = %(k)s) y) z
              OFFSET 0) x  -- a fence: x.average is used thrice, look the history up once
        WHERE s.line = x.line""",  # noqa: S608
         {"factor": SPIKE_FACTOR, "k": k, "history": HISTORY, "history_min": HISTORY_MIN})
    _sql(cursor, f"""
        INSERT INTO {_R} (id, tenant_id, created_at, updated_at, meter_id, account_number, cycle_id,
                          read_at, value, previous_value, previous_read_at, consumption, status,
                          rule, source, photo)
        SELECT id, %s, now(), now(), meter_id, account_number, cycle_id, read_at, value,
               previous_value, previous_read_at, consumption, status, rule, %s, coalesce(photo, '')
        FROM mx_stage WHERE rn = %s""", [tenant_id, source, k])  # noqa: S608
    _sql(cursor, f"""
        UPDATE {_M} m SET last_value = s.value, last_read_at = s.read_at, updated_at = now()
        FROM mx_stage s WHERE s.rn = %s AND s.status IN {_VALID} AND m.id = s.meter_id""",  # noqa: S608
         [k])


def _event(r: dict[str, Any]) -> ReadingValidated:
    return ReadingValidated(
        reading_id=r["id"], account_number=r["account_number"], meter_serial=r["serial"],
        read_at=r["read_at"], value=r["value"], previous_value=r["previous_value"],
        previous_read_at=r["previous_read_at"], consumption=r["consumption"], status=r["status"])
