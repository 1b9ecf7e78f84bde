"""rx at utility scale: 50,000 accounts through the bill ledger, the nightly aging and dunning.

    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/smart360 servers
    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/python bench/rx_aging.py
        [--accounts 50000] [--history 6] [--batch 500]

A fresh tenant in rx's database:
(1) history by COPY: ACCOUNTS accounts, HISTORY monthly bills each as receivables (older ones
    mostly paid, some accounts months behind), so the aging buckets all fill;
(2) one more month of bills through rx's bx.bill.issued batch handler (`services.bills_post`,
    BATCH events per call, as the inbox hands them over): bills/s, queries per batch;
(3) the nightly aging job (`services.aging_refresh`) as of a date, then again (nothing changed);
(4) the dunning job (`services.dunning_run`) over the nights that open cases, send reminders,
    final notices and disconnection requests (events written to the outbox by COPY).
Each job's statement count is recorded: it does not depend on the number of accounts.

Prints one JSON object; the numbers are recorded in services/rx/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
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
LAST = date(2026, 10, 31)  # the last month of history; the handler posts November's bills


def month_end(months_back: int) -> date:
    year, month = LAST.year, LAST.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def generate(dsn: str, tenant: uuid.UUID, accounts: int, history: int) -> dict[str, int]:
    rng = random.Random(360)
    now = datetime.now(UTC)
    receivables = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO smart360_domain_tenantprofile (tenant_id, name, timezone, currency, "
                    "date_format, updated_at) VALUES (%s, 'Bench Utility', 'UTC', 'USD', 'YYYY-MM-DD', "
                    "now())", [tenant])
        balances: dict[int, Decimal] = {}
        with cur.copy("COPY collections_receivable (tenant_id, created_at, updated_at, account_number, "
                      "bill_ref, billed_on, due_on, amount_billed, amount_outstanding, risk) "
                      "FROM STDIN") as copy:
            for n in range(1, accounts + 1):
                behind = 0 if n % 10 else rng.randint(1, history)  # one in ten falls behind
                owed = Decimal(0)
                for back in range(history, 0, -1):
                    issued = month_end(back)
                    total = Decimal(rng.randint(2000, 30000)) / 100
                    outstanding = total if back <= behind else Decimal(0)
                    owed += outstanding
                    receivables += 1
                    copy.write_row((tenant, now, now, f"ACC-{n:06d}", f"BILL-{issued:%Y%m}-{n:06d}",
                                    issued, issued + timedelta(days=15), total, outstanding, "LOW"))
                balances[n] = owed
        with cur.copy("COPY collections_account (tenant_id, created_at, updated_at, number, account_id, "
                      "consumer_number, name, email, phone, balance, credit, overdue, risk, "
                      "aging_current, aging_31_60, aging_61_90, aging_90_plus) FROM STDIN") as copy:
            for n in range(1, accounts + 1):
                copy.write_row((tenant, now, now, f"ACC-{n:06d}", n, f"CUST-{n:06d}", f"Consumer {n}",
                                f"c{n}@bench.test", "", balances[n], Decimal(0), Decimal(0), "LOW",
                                Decimal(0), Decimal(0), Decimal(0), Decimal(0)))
        conn.commit()
        cur.execute("ANALYZE collections_account; ANALYZE collections_receivable;")
    return {"accounts": accounts, "receivables": receivables}


def django_setup(stack: Stack) -> None:
    os.environ.update(stack.service_env(stack.registry.service("rx"), "worker"))
    sys.path.insert(0, str(ROOT / "services" / "rx"))
    import django

    django.setup()


def counted(fn: Any) -> tuple[Any, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return result, round(seconds, 3), len(captured.captured_queries)


def post_bills(tenant: uuid.UUID, accounts: int, batch: int) -> dict[str, Any]:
    from django.db import transaction

    from rx.collections import services
    from smart360.contracts.bx import BillIssued

    issued = date(2026, 11, 30)
    at = datetime(2026, 11, 30, 12, tzinfo=UTC)
    bills = [BillIssued(bill_id=n, number=f"BILL-202611-{n:06d}", account_number=f"ACC-{n:06d}",
                        period_start=date(2026, 11, 1), period_end=issued, issued_on=issued,
                        due_date=issued + timedelta(days=15), consumption=Decimal("850.000"),
                        subtotal=Decimal("100.00"), tax=Decimal("15.00"), total=Decimal("115.00"),
                        currency="USD", pdf_path=f"/bx/api/v1/bills/{n}/pdf/")
             for n in range(1, accounts + 1)]
    queries = []
    started = time.perf_counter()
    for i in range(0, len(bills), batch):
        chunk = [(tenant, b, at) for b in bills[i:i + batch]]

        def one(chunk: list[Any] = chunk) -> int:
            with transaction.atomic():
                return services.bills_post(bills=chunk)
        _, _, q = counted(one)
        queries.append(q)
    seconds = time.perf_counter() - started
    return {"bills": len(bills), "seconds": round(seconds, 2),
            "bills_per_second": round(len(bills) / seconds), "queries_per_batch": max(queries),
            "batch": batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--history", type=int, default=6)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    stack = Stack.from_env()
    rx = stack.registry.service("rx")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], check=True,
                   cwd=ROOT / "services" / "rx", env={**os.environ, **stack.service_env(rx, "migrate")},
                   capture_output=True)
    dsn = (f"host={stack.db_path('postgres')} port={stack.port('postgres')} dbname={rx.database} "
           "user=postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:  # a clean slate: only this tenant
        conn.execute("TRUNCATE collections_account, collections_receivable, collections_ledgerentry, "
                     "collections_dunningcase, collections_agingsnapshot CASCADE")
    tenant = uuid.uuid4()
    t0 = time.monotonic()
    out: dict[str, Any] = {"tenant": str(tenant), **generate(dsn, tenant, args.accounts, args.history)}
    out["generate_seconds"] = round(time.monotonic() - t0, 1)
    django_setup(stack)
    from rx.collections import services

    out["bills_issued_handler"] = post_bills(tenant, args.accounts, args.batch)
    as_of = date(2026, 12, 20)  # November's bills are 5 days past due
    for label in ("aging_first", "aging_again"):
        result, seconds, queries = counted(lambda: services.aging_refresh(as_of=as_of))
        out[label] = {"seconds": seconds, "queries": queries, **result}
    nights = [as_of, as_of + timedelta(days=1), as_of + timedelta(days=15),
              as_of + timedelta(days=22), as_of + timedelta(days=23)]
    out["dunning"] = []
    for night in nights:
        result, seconds, queries = counted(lambda night=night: services.dunning_run(as_of=night))
        out["dunning"].append({"as_of": str(night), "seconds": seconds, "queries": queries, **result})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
