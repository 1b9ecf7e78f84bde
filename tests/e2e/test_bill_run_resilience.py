"""A bill run survives `kill -9` of the bx worker on the live stack: each account billed exactly once.

The tenant (issue 9): the utility is configured through FLOW-API (onboarding publishes the
service, plan and tariff to bx as it always does); its ACCOUNTS accounts and their November
readings reach bx as the events cx and mx publish for them (`cx.connection.activated`,
`mx.reading.validated`), sent to bx's queue the way the relay sends them (500 envelopes per
`smart360.events.deliver` message) and projected by bx's own inbox and handlers. Connecting
10,000 consumers through the public API (application, two work orders, installation) takes hours
on this machine; the events are the same bx would have received, so bx is exercised honestly from
its inbox on. Nothing is written to bx's tables by hand: the test only reads them, to count.

Two kills, two runs over the same accounts (a dry run first: it does not count as a bill for the
live run, whereas a live bill would make the dry run skip every account):
- the pool child dies mid-run (the OOM killer's victim): the task is acks_late with
  reject_on_worker_lost, so the main process puts the message back and its new child goes on;
- the whole worker dies, main process and child together (a crashed container: supervisord made
  the worker its own process group): the unacked message stays with Redis until the visibility
  timeout, so `bx.resume_stalled_bill_runs` (every minute, on bx's beat) re-sends the run once
  its heartbeat is 45 s old, and it continues after its checkpoint.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import psycopg
import pytest
from flow import Admin, admin_with_tenant, login

from smart360.contracts import Event
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.mx import ReadingValidated
from smart360.flow import Flow, Utility, eventually
from smart360.stack.system import wait_until

pytestmark = pytest.mark.e2e

ACCOUNTS = 10_000  # five chunks of 2,000 (bx.billing.pipeline.CHUNK): ~0.3 s each when quiet,
# so the kill is aimed by polling the run row at 20 Hz
MESSAGE_SIZE = 500  # envelopes per deliver message, as the relay sends them
PERIOD = ("2026-11-01", "2026-11-30")
CONNECTED_AT = datetime(2026, 10, 31, 8, tzinfo=UTC)
READ_AT = datetime(2026, 11, 30, 12, tzinfo=UTC)
WORKER = "bx-worker"


@dataclass
class Tenant:
    admin: Admin
    flow: Flow
    utility: Utility
    numbers: list[str]


@dataclass
class Killed:
    """What a kill left behind, and how long the run took to move again."""

    billed_at_kill: int
    resumed_after: float
    peak_kb: dict[int, int]  # VmHWM of each pool process seen during the run


@pytest.fixture(scope="module")
def http(stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def bx_db(stack) -> Iterator[psycopg.Connection[Any]]:
    """bx's database as bx's own role: the tests count rows, they never write."""
    bx = stack.stack.registry.service("bx")
    with psycopg.connect(host="127.0.0.1", port=stack.stack.port("postgres"), dbname=bx.database,
                         user=bx.db_role, password=stack.stack.db_password(bx),
                         autocommit=True, connect_timeout=10) as conn:
        yield conn


def one(db: psycopg.Connection[Any], sql: str, *params: Any) -> Any:
    row = db.execute(sql, params).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def envelope(tenant: str, event: Event, source: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": event.type, "version": event.version,
            "tenant": tenant, "occurred_at": datetime.now(UTC).isoformat(),
            "request_id": "e2e-bill-run-resilience", "source": source, "payload": event.payload()}


def deliver(stack, queue: str, envelopes: list[dict[str, Any]]) -> None:
    app = stack.celery("bx")
    try:
        for start in range(0, len(envelopes), MESSAGE_SIZE):
            app.send_task("smart360.events.deliver", args=[envelopes[start:start + MESSAGE_SIZE]],
                          queue=queue)
    finally:
        app.close()


@pytest.fixture(scope="module")
def tenant(stack, http, bx_db) -> Tenant:
    admin = admin_with_tenant(stack, http)
    flow = Flow(http, admin.access)
    utility = flow.configure()
    tid = admin.tenant
    eventually(lambda: one(bx_db, "SELECT count(*) FROM projections_tariffversion "
                                  "WHERE tenant_id = %s AND plan_id = %s", tid, utility.plan),
               "bx to know the plan's tariff", 120)

    started = time.monotonic()
    numbers = [f"E2E-{i:06d}" for i in range(1, ACCOUNTS + 1)]
    deliver(stack, "bx", [envelope(tid, ConnectionActivated(
        account_id=i, account_number=n, consumer_id=i, consumer_number=f"C-{i:06d}",
        name=f"Consumer {i}", email=f"c{i}@e2e.test", utility_service_id=utility.service,
        category_id=utility.category, plan_id=utility.plan, area_id=utility.area,
        premise=f"{i} Long Road", meter_serial=f"M-{i:06d}", initial_reading=Decimal(0),
        connected_at=CONNECTED_AT), "cx") for i, n in enumerate(numbers, 1)])
    deliver(stack, "bx", [envelope(tid, ReadingValidated(
        reading_id=i, account_number=n, meter_serial=f"M-{i:06d}", read_at=READ_AT,
        value=Decimal(50 + i * 37 % 900), previous_value=Decimal(0),
        previous_read_at=CONNECTED_AT, consumption=Decimal(50 + i * 37 % 900), status="PASS"),
        "mx") for i, n in enumerate(numbers, 1)])
    for table in ("projections_account", "projections_reading"):
        eventually(lambda t=table: one(bx_db, f"SELECT count(*) FROM {t} WHERE tenant_id = %s",  # noqa: S608
                                       tid) == ACCOUNTS, f"{ACCOUNTS} rows in bx's {table}", 600)
    print(f"\n• {ACCOUNTS} accounts and readings projected by bx in "
          f"{time.monotonic() - started:.1f}s", flush=True)
    return Tenant(admin, flow, utility, numbers)


# -- the worker's processes ------------------------------------------------------------------------
def pool_children(main: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def hwm_kb(pid: int) -> int:
    """Peak resident memory of a process (VmHWM), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def progress(db: psycopg.Connection[Any], run_id: int) -> tuple[str, int]:
    status, billed = one(db, "SELECT status, billed FROM billing_billrun WHERE id = %s", run_id)
    return str(status), int(billed)


def start_run(tenant: Tenant, **extra: Any) -> int:
    tenant.flow = Flow(tenant.flow.http, login(tenant.flow.http, tenant.admin.email).access)  # 15 min
    run = tenant.flow.post("/bx/api/v1/bill-runs/", {
        "utility_service": tenant.utility.service, "period_start": PERIOD[0],
        "period_end": PERIOD[1], **extra}, key=str(uuid.uuid4()))
    assert run["status"] == "QUEUED", run
    return int(run["id"])


def kill_mid_run(stack, db: psycopg.Connection[Any], run_id: int, *, whole_worker: bool) -> Killed:
    """Wait until some but not all of the run's chunks are committed, then SIGKILL the pool child
    (or the worker's whole process group); returns once the run has reached DRAFT again."""
    main = stack.supervisor.pid(WORKER)
    peaks: dict[int, int] = {}

    def sample(worker: int) -> tuple[str, int]:
        for child in pool_children(worker) if worker else ():
            peaks[child] = max(peaks.get(child, 0), hwm_kb(child))
        return progress(db, run_id)

    deadline = time.monotonic() + 300
    while True:
        status, billed = sample(main)
        if status == "RUNNING" and 0 < billed < ACCOUNTS:
            break
        assert status in ("QUEUED", "RUNNING"), f"run {run_id} {status} before it could be killed"
        assert time.monotonic() < deadline, f"run {run_id} never got going ({status}, {billed})"
        time.sleep(0.05)
    children = pool_children(main)
    assert children, "the worker has no pool process"
    if whole_worker:
        assert os.getpgid(main) == main  # supervisord made it a group leader: only the worker dies
        os.killpg(main, signal.SIGKILL)
    else:
        for child in children:
            os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(1)
    stopped = progress(db, run_id)
    assert stopped[0] == "RUNNING", stopped  # it died mid-run
    assert stopped[1] < ACCOUNTS, stopped

    if whole_worker:
        wait_until(lambda: stack.supervisor.info(WORKER)["statename"] == "RUNNING"
                   and stack.supervisor.pid(WORKER) != main, 120, "supervisord to restart bx-worker")
        main = stack.supervisor.pid(WORKER)
    else:
        assert stack.supervisor.pid(WORKER) == main  # the main process lived on
    deadline = time.monotonic() + 300
    while (moved := sample(main)) == stopped:
        assert time.monotonic() < deadline, f"run {run_id} never resumed after the kill"
        time.sleep(0.2)
    resumed_after = time.monotonic() - killed_at
    while sample(main)[0] == "RUNNING":
        assert time.monotonic() < deadline, f"run {run_id} never reached DRAFT"
        time.sleep(0.2)
    sample(main)  # the surviving pool process's peak, after the last chunk
    print(f"\n• run {run_id}: killed at {billed}/{ACCOUNTS} bills "
          f"({'main process and pool child' if whole_worker else 'pool child'}), moved again "
          f"after {resumed_after:.1f}s {moved}; VmHWM of the pool processes: "
          + ", ".join(f"{pid}: {kb / 1024:.0f} MB" for pid, kb in peaks.items()), flush=True)
    return Killed(billed, resumed_after, peaks)


def assert_each_account_billed_once(db: psycopg.Connection[Any], tenant: Tenant, run_id: int) -> None:
    numbers = sorted(r[0] for r in db.execute(
        "SELECT account_number FROM billing_bill WHERE run_id = %s", [run_id]).fetchall())
    assert len(numbers) == len(set(numbers)), "an account billed twice in the run"
    assert numbers == tenant.numbers  # and none missing
    assert one(db, "SELECT count(*) FROM billing_bill b WHERE b.run_id = %s AND NOT EXISTS "
                   "(SELECT 1 FROM billing_billline l WHERE l.bill_id = b.id)", run_id) == 0
    assert one(db, "SELECT count(*) FROM billing_billexception WHERE run_id = %s", run_id) == 0
    run = tenant.flow.get(f"/bx/api/v1/bill-runs/{run_id}/")
    assert (run["status"], run["accounts"], run["billed"]) == ("DRAFT", ACCOUNTS, ACCOUNTS), run
    total = one(db, "SELECT sum(total) FROM billing_bill WHERE run_id = %s", run_id)
    assert Decimal(run["total"]) == total  # the counters were not bumped twice for a chunk


def test_a_pool_child_killed_mid_run_is_redelivered_and_bills_each_account_once(stack, tenant,
                                                                                 bx_db):
    run_id = start_run(tenant, dry_run=True)
    killed = kill_mid_run(stack, bx_db, run_id, whole_worker=False)
    assert progress(bx_db, run_id)[0] == "DRAFT"
    assert_each_account_billed_once(bx_db, tenant, run_id)
    assert killed.resumed_after < 45  # redelivered at once, not left to the stalled-run sweep


def test_a_worker_killed_mid_run_resumes_and_bills_each_account_exactly_once(stack, tenant, bx_db):
    """The issue's case: `kill -9` of the whole bx worker, as a crashed container."""
    run_id = start_run(tenant)
    kill_mid_run(stack, bx_db, run_id, whole_worker=True)
    assert progress(bx_db, run_id)[0] == "DRAFT"
    assert_each_account_billed_once(bx_db, tenant, run_id)
    # One live bill per account and period, across every run (the dry run's are simulations).
    live = bx_db.execute(
        "SELECT account_number, count(*) FROM billing_bill WHERE tenant_id = %s AND kind = 'CYCLE' "
        "AND NOT simulated AND status <> 'VOID' AND period_start = %s AND period_end = %s "
        "GROUP BY account_number", [tenant.admin.tenant, *PERIOD]).fetchall()
    assert sorted(n for n, _ in live) == tenant.numbers
    assert {c for _, c in live} == {1}
