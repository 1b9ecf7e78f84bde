"""A bill run at utility scale: 50,000 accounts, DRAFT → ISSUED, against the naive way.

    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/smart360 servers
    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/python bench/billing.py
        [--accounts 50000] [--naive-sample 500] [--profile]

Generates a fresh tenant in bx's own tables by COPY (the projections bx keeps from events): a
utility service, three slab plans, ACCOUNTS accounts and 13 months of validated readings each
(12 of history for the outlier check, one in the billed period; a few accounts missing, zero or
spiking, so the exceptions path runs too).

(b) starts a real bx Celery worker (prefork, concurrency 1, as the local stack runs it), queues a
    run through bx's services, and times QUEUED → DRAFT (collect, rate, exceptions, bills and
    lines written), then approve, then APPROVED → ISSUED (numbers, bills issued, one
    bx.bill.issued outbox row each). Peak memory: VmHWM of the worker's pool process.
(c) the naive way on a sample: per account, ORM reads (account, readings, tariff), rating, one
    Bill and its lines saved one by one, approve and issue by save(), a number and an outbox row
    per bill, each account in its own transaction — plus one Celery task per account (a no-op
    task on the same worker, timed on the same sample). Extrapolated linearly to ACCOUNTS.
--profile: run (b) in this process under cProfile instead (no worker) and print the top entries.

Prints one JSON object; bench/README.md records the numbers.
"""

from __future__ import annotations

import argparse
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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from smart360.stack.layout import Stack

ROOT = Path(__file__).resolve().parent.parent
PERIOD_START, PERIOD_END = date(2026, 11, 1), date(2026, 11, 30)
SERVICE = 1
PLANS = {
    1: [("300", "0.08"), ("600", "0.12"), (None, "0.16")],  # DOMAIN.md's residential slabs
    2: [("1000", "0.10"), ("5000", "0.14"), (None, "0.18")],
    3: [("200", "0.05"), (None, "0.09")],
}


def tariff(slabs: list[tuple[str | None, str]]) -> str:
    return json.dumps({"kind": "slab", "fixed_charge": "15.00", "rate": None, "tax_rate": "0.05",
                       "slabs": [{"up_to": u, "rate": r} for u, r in slabs], "seasons": [],
                       "tou": [], "additional_charges": []})


def superuser_dsn(stack: Stack, database: str) -> str:
    return (f"host={stack.db_path('postgres')} port={stack.port('postgres')} dbname={database} "
            "user=postgres")


def generate(dsn: str, tenant: uuid.UUID, accounts: int) -> dict[str, int]:
    """The tenant's projections by COPY; returns the counts written."""
    rng = random.Random(360)
    now = datetime.now(UTC)
    readings = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO smart360_domain_tenantprofile (tenant_id, name, timezone, currency, "
                    "date_format, updated_at) VALUES (%s, 'Bench Utility', 'UTC', 'USD', 'YYYY-MM-DD', "
                    "now())", [tenant])
        cur.execute("INSERT INTO projections_utilityservice (tenant_id, created_at, updated_at, "
                    "service_id, code, name, unit) VALUES (%s, now(), now(), %s, 'electricity', "
                    "'Electricity', 'kWh')", [tenant, SERVICE])
        for plan, slabs in PLANS.items():
            cur.execute("INSERT INTO projections_plan (tenant_id, created_at, updated_at, plan_id, "
                        "name, utility_service_id, category_id) VALUES (%s, now(), now(), %s, %s, %s, 1)",
                        [tenant, plan, f"Plan {plan}", SERVICE])
            cur.execute("INSERT INTO projections_tariffversion (tenant_id, created_at, updated_at, "
                        "plan_id, version_id, number, effective_from, tariff) VALUES "
                        "(%s, now(), now(), %s, %s, 1, '2025-01-01', %s)",
                        [tenant, plan, plan, tariff(slabs)])
        with cur.copy("COPY projections_account (tenant_id, created_at, updated_at, account_id, "
                      "number, consumer_number, name, email, utility_service_id, category_id, "
                      "plan_id, area_id, premise, meter_serial, initial_reading, connected_at) "
                      "FROM STDIN") as copy:
            for n in range(1, accounts + 1):
                copy.write_row((tenant, now, now, n, f"ACC-{n:06d}", f"CUST-{n:06d}",
                                f"Consumer {n}", f"c{n}@bench.test", SERVICE, 1,
                                1 + (n % 10 == 0) + (n % 50 == 0), 1, f"{n} Bench Road",
                                f"MTR-{n:06d}", Decimal(0), datetime(2025, 10, 1, tzinfo=UTC)))
        with cur.copy("COPY projections_reading (tenant_id, created_at, updated_at, reading_id, "
                      "account_number, read_at, value, previous_value, consumption, bands) "
                      "FROM STDIN") as copy:
            for n in range(1, accounts + 1):
                usual = rng.randint(80, 1400)
                value = Decimal(0)
                for month in range(13):  # Nov 2025 .. Nov 2026: the last one is the billed period
                    at = datetime(2025 + (10 + month) // 12, (10 + month) % 12 + 1, 28, 9, tzinfo=UTC)
                    used = Decimal(max(0, usual + rng.randint(-60, 60)))
                    if month == 12:
                        if n % 400 == 0:
                            continue  # missing reading
                        used = Decimal(0) if n % 500 == 1 else used * (5 if n % 700 == 3 else 1)
                    readings += 1
                    copy.write_row((tenant, now, now, readings, f"ACC-{n:06d}", at, value + used,
                                    value, used, "{}"))
                    value += used
        conn.commit()
        cur.execute("ANALYZE projections_account; ANALYZE projections_reading;")
    return {"accounts": accounts, "readings": readings}


# -- Django in this process (bx's settings, the bench stack's database) -------------------------
def django_setup(stack: Stack) -> None:
    svc = stack.registry.service("bx")
    os.environ.update(stack.service_env(svc, "worker"))
    sys.path.insert(0, str(ROOT / "services" / "bx"))
    import django

    django.setup()


def wait_status(run_id: int, wanted: set[str], timeout: float = 900) -> str:
    from bx.billing.models import BillRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = BillRun.objects.filter(pk=run_id).values_list("status", flat=True).get()
        if status in wanted:
            return status
        time.sleep(0.05)
    raise SystemExit(f"run {run_id} did not reach {wanted} in {timeout} s")


def start_worker(stack: Stack) -> subprocess.Popen[bytes]:
    env = {**os.environ, **stack.service_env(stack.registry.service("bx"), "worker")}
    log = open(stack.path("bench-bx-worker.log"), "ab")  # noqa: SIM115 - lives with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "smart360.celery.app", "worker", "-Q", "bx",
         "-c", "1", "--pool", "prefork", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT / "services" / "bx", env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)


def pool_pids(main: int) -> list[int]:
    found = Path(f"/proc/{main}/task/{main}/children").read_text().split()
    return [int(p) for p in found]


def hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ping_worker(timeout: float = 60) -> None:
    from smart360.celery.tasks import dispatch

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            dispatch("smart360.ping", queue="bx").get(timeout=5)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("the bx worker did not answer a ping")


def fast_run(tenant: uuid.UUID, *, in_process: bool) -> dict[str, Any]:
    """(b): create → DRAFT → APPROVED → ISSUED; seconds per phase."""
    from bx.billing import pipeline, services
    from bx.billing.models import BillRun
    from smart360.events.models import OutboxEvent

    t0 = time.monotonic()
    run = services.bill_run_create(tenant_id=tenant, utility_service=SERVICE,
                                   period_start=PERIOD_START, period_end=PERIOD_END)
    if in_process:
        pipeline.advance(run.pk)
    wait_status(run.pk, {"DRAFT", "FAILED"})
    t1 = time.monotonic()
    services.bill_run_approve(tenant_id=tenant, run_id=run.pk)
    t2 = time.monotonic()
    services.bill_run_issue(tenant_id=tenant, run_id=run.pk)
    if in_process:
        pipeline.advance(run.pk)
    status = wait_status(run.pk, {"ISSUED", "FAILED"})
    t3 = time.monotonic()
    done = BillRun.objects.get(pk=run.pk)
    outbox = OutboxEvent.objects.filter(type="bx.bill.issued", tenant_id=tenant).count()
    return {"status": status, "accounts": done.accounts, "billed": done.billed,
            "exceptions": done.exceptions, "total": str(done.total), "outbox_bill_issued": outbox,
            "seconds_to_draft": round(t1 - t0, 2), "seconds_approve": round(t2 - t1, 2),
            "seconds_issue": round(t3 - t2, 2), "seconds_total": round(t3 - t0, 2)}


def naive_sample(tenant: uuid.UUID, sample: int) -> dict[str, Any]:
    """(c): the per-account ORM way on `sample` accounts (a different period, so no clash)."""
    from django.db import transaction

    from bx.billing import rating
    from bx.billing.models import Bill, BillLine
    from bx.projections.models import Account, Reading, TariffVersion
    from smart360.contracts.bx import BillIssued
    from smart360.contracts.onboarding import Tariff
    from smart360.domain.numbering import Format, number_take
    from smart360.events.outbox import publish

    start, end = date(2026, 12, 1), date(2026, 12, 31)
    ids = list(Account.objects.filter(tenant_id=tenant).order_by("id").values_list("id", flat=True)[:sample])
    t0 = time.monotonic()
    for account_id in ids:  # what one task per account would do
        with transaction.atomic():
            account = Account.objects.get(pk=account_id, tenant_id=tenant)
            readings = list(Reading.objects.filter(tenant_id=tenant, account_number=account.number,
                                                   read_at__gte=datetime(2026, 10, 1, tzinfo=UTC)))
            used = sum((r.consumption for r in readings), Decimal(0))
            version = TariffVersion.objects.filter(tenant_id=tenant, plan_id=account.plan_id).latest(
                "effective_from")
            rated = rating.rate_one(consumption=used, tariff=Tariff.model_validate(version.tariff))
            bill = Bill.objects.create(tenant_id=tenant, account=account, account_number=account.number,
                                       kind=Bill.Kind.OFF_CYCLE, period_start=start, period_end=end,
                                       consumption=used, subtotal=rated.subtotal, tax=rated.tax,
                                       total=rated.total)
            for i, line in enumerate(rated.lines, 1):
                BillLine.objects.create(bill=bill, position=i, description=line.description,
                                        quantity=line.quantity, rate=line.rate, amount=line.amount)
        with transaction.atomic():
            bill.status = Bill.Status.APPROVED
            bill.save()
        with transaction.atomic():
            bill.number = number_take(tenant_id=tenant, entity="bill-naive", on=end,
                                      default=Format("NAIVE", "YYYYMM", 6))
            bill.status, bill.issued_on, bill.due_date = Bill.Status.ISSUED, end, end + timedelta(15)
            bill.save()
            publish(BillIssued(bill_id=bill.pk, number=bill.number, account_number=bill.account_number,
                               period_start=start, period_end=end, issued_on=end, due_date=bill.due_date,
                               consumption=used, subtotal=bill.subtotal, tax=bill.tax, total=bill.total,
                               currency="USD", pdf_path=""), tenant_id=tenant)
    orm = time.monotonic() - t0
    return {"sample": len(ids), "orm_seconds": round(orm, 2)}


def relay_drained(tenant: uuid.UUID, timeout: float = 600) -> float:
    """Seconds until the worker's relay has sent every outbox row of the tenant."""
    from smart360.events.models import OutboxEvent

    t0 = time.monotonic()
    while OutboxEvent.objects.filter(tenant_id=tenant, sent_at__isnull=True).exists():
        if time.monotonic() - t0 > timeout:
            raise SystemExit("the relay did not drain the outbox")
        time.sleep(0.2)
    return time.monotonic() - t0


def task_overhead(sample: int) -> float:
    """Seconds for `sample` no-op tasks, one per account, through the broker to the worker."""
    from smart360.celery.tasks import dispatch

    t0 = time.monotonic()
    results = [dispatch("smart360.ping", queue="bx") for _ in range(sample)]
    for r in results:
        r.get(timeout=120)
    return time.monotonic() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--naive-sample", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    stack = Stack.from_env()
    bx = stack.registry.service("bx")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], check=True,
                   cwd=ROOT / "services" / "bx", env={**os.environ, **stack.service_env(bx, "migrate")},
                   capture_output=True)
    tenant = uuid.uuid4()
    t0 = time.monotonic()
    made = generate(superuser_dsn(stack, bx.database), tenant, args.accounts)
    out: dict[str, Any] = {"tenant": str(tenant), **made, "generate_seconds": round(time.monotonic() - t0, 1)}
    django_setup(stack)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        out["b"] = fast_run(tenant, in_process=True)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
        print(text.getvalue())
        print(json.dumps(out, indent=2))
        return
    worker = start_worker(stack)
    try:
        ping_worker()
        pool = pool_pids(worker.pid)
        before = {p: rss_mb(p) for p in pool}
        out["b"] = fast_run(tenant, in_process=False)
        out["b"]["worker_pool_rss_before_mb"] = round(max(before.values()), 1)
        out["b"]["worker_pool_peak_mb"] = round(max(hwm_mb(p) for p in pool_pids(worker.pid)), 1)
        out["b"]["worker_main_peak_mb"] = round(hwm_mb(worker.pid), 1)
        out["b"]["relay_seconds"] = round(relay_drained(tenant), 1)
        naive = naive_sample(tenant, args.naive_sample)
        relay_drained(tenant)  # the naive outbox rows too, so the tasks below queue behind nothing
        naive["task_seconds"] = round(task_overhead(args.naive_sample), 2)
        per_account = (naive["orm_seconds"] + naive["task_seconds"]) / naive["sample"]
        naive["extrapolated_seconds"] = round(per_account * args.accounts, 1)
        out["c"] = naive
        out["ratio_c_over_b"] = round(naive["extrapolated_seconds"] / out["b"]["seconds_total"], 1)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
