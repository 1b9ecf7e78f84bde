"""Ingest 50,000 readings with validation (issue 9 §5a: target ≤ 5 s), through mx's own upload path.

    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/smart360 servers
    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 \\
        .venv/bin/python bench/mx_readings.py [--meters 50000] [--history 6] [--profile]

Runs in mx's environment (settings, PgBouncer) against mx's database, migrated first. Generates a
fresh tenant by COPY: METERS installed meters linked to accounts, HISTORY validated readings each
(so the spike rule has a real history to average), then one CSV of METERS lines — mostly ordinary
monthly reads, with zero, negative, spiking and rolled-over ones and a few bad lines — and times
`readings_upload` end to end: parsing, COPY into the staging table, the set-based validation,
the readings written, the meters' bases moved on, and one `mx.reading.validated` outbox row per
PASS/EXEMPTION reading (publish_many, COPY), committed. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
READ_AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _environment() -> None:
    """mx's own settings and database, as its test suite gets them (servers must be running)."""
    from smart360.devtools.testrun import suites
    from smart360.stack.layout import Stack

    suite = next(s for s in suites(Stack.from_env()) if s.name == "mx")
    os.environ.update(suite.env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--skip-checks", "-v", "0"],
                   cwd=suite.cwd, env=os.environ, check=True)
    sys.path.insert(0, str(suite.cwd))
    import django

    django.setup()


def generate(tenant: uuid.UUID, meters: int, history: int) -> list[tuple[str, float]]:
    """Meters and HISTORY monthly validated readings each, by COPY; (serial, last value) each.
    One meter in 500 sits near the top of its 6-digit dial, so its next reading rolls over."""
    from django.db import connection, transaction

    from mx.meters.models import Meter
    from mx.readings.models import Reading

    rng = random.Random(360)
    now = datetime.now(UTC)
    plan = []  # (serial, account, initial, monthly usage)
    for n in range(meters):
        usage = round(rng.uniform(150, 900), 3)
        initial = 999_500 - usage * history if n % 500 == 0 else round(rng.uniform(0, 5000), 3)
        plan.append((f"BM-{n:06d}", f"ACC-{n:06d}", initial, usage))
    last_at = READ_AT - timedelta(days=30)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {Meter._meta.db_table} (tenant_id, created_at, updated_at, serial, "
                      "model, utility_service, area_ref, digits, registers, status, account_number, "
                      "premise, installed_at, initial_reading, last_value, last_read_at, "
                      "status_reason) FROM STDIN") as copy:
            for n, (serial, account, initial, usage) in enumerate(plan):
                copy.write_row((tenant, now, now, serial, "bench", "1", str(n % 40), 6, "[]",
                                "INSTALLED", account, f"{n} Bench St", INSTALLED, f"{initial:.3f}",
                                f"{initial + usage * history:.3f}", last_at, ""))
        cursor.execute(f"SELECT serial, id FROM {Meter._meta.db_table} WHERE tenant_id = %s",  # noqa: S608
                       [tenant])
        ids = dict(cursor.fetchall())
        with raw.copy(f"COPY {Reading._meta.db_table} (tenant_id, created_at, updated_at, meter_id, "
                      "account_number, read_at, value, previous_value, consumption, status, rule, "
                      "source, photo) FROM STDIN") as copy:
            for serial, account, initial, usage in plan:
                for h in range(1, history + 1):
                    copy.write_row((tenant, now, now, ids[serial], account,
                                    last_at - timedelta(days=30 * (history - h)),
                                    f"{initial + usage * h:.3f}", f"{initial + usage * (h - 1):.3f}",
                                    f"{usage:.3f}", "PASS", "", "UPLOAD", ""))
    return [(serial, initial + usage * history) for serial, _, initial, usage in plan]


def csv_file(bases: list[tuple[str, float]]) -> tuple[bytes, dict[str, int]]:
    rng = random.Random(42)
    lines = ["meter_serial,read_at,value"]
    planned = {"bad": 0}
    for n, (serial, last) in enumerate(bases):
        if n % 1000 == 999:
            lines.append(f"{serial},{READ_AT.isoformat()},not-a-number")
            planned["bad"] += 1
            continue
        usage = rng.uniform(150, 900)
        if n % 97 == 0:
            usage = 0.0  # zero: EXEMPTION
        elif n % 89 == 0:
            usage = -50.0  # negative: REVISIT
        elif n % 83 == 0:
            usage *= 10  # spike: REVISIT
        value = (last + usage) % 1_000_000  # wraps for the meters near the top of the dial
        lines.append(f"{serial},{READ_AT.isoformat()},{value:.3f}")
    return ("\n".join(lines) + "\n").encode(), planned


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=50_000)
    parser.add_argument("--history", type=int, default=6)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()
    _environment()
    from django.db import connection

    from mx.readings import services
    from smart360.events.models import OutboxEvent

    tenant = uuid.uuid4()
    started = time.perf_counter()
    bases = generate(tenant, args.meters, args.history)
    generated = time.perf_counter() - started
    content, planned = csv_file(bases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - begun, " ".join(sql.split())[:110]))

    if profiler:
        profiler.enable()
    with connection.execute_wrapper(timed) if args.statements else _nothing():
        result = services.readings_upload(tenant_id=tenant, content=content)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    events = OutboxEvent.objects.filter(tenant_id=tenant, type="mx.reading.validated").count()
    report = {
        "meters": args.meters, "history_per_meter": args.history, "lines": args.meters,
        "generate_s": round(generated, 2), "ingest_s": round(seconds, 3),
        "lines_per_s": round(args.meters / seconds), "accepted": result["accepted"],
        "rejected": len(result["rejected"]), "planned_bad": planned["bad"],
        "statuses": result["statuses"], "events": events, "tenant": str(tenant),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(report, indent=2))
    for spent, sql in sorted(timings, reverse=True)[:12]:
        print(f"{spent:8.3f}s  {sql}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
