"""Sustained end-to-end event throughput: cx outbox -> relay -> Redis -> notification inbox.

Against a running local stack (`make up`):

    .venv/bin/python bench/events_throughput.py --count 20000
    .venv/bin/python bench/events_throughput.py --mode api --count 2000 --concurrency 16

--mode sql (default): inserts COUNT outbox rows into cx's database in one transaction (what
  publish() writes), nudges cx's relay, and times until notification's inbox has every id. It
  measures the relay + broker + subscriber path, not HTTP.
--mode api: POSTs COUNT consumers through the gateway (each publishes cx.consumer.created) and
  times until notification has handled them all: the whole path including the web tier.

Events carry no email, so notification records them (inbox) without sending mail.
Prints one JSON line: events, seconds, events_per_second.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
from celery import Celery

from smart360.stack.layout import Stack


def dsn(stack: Stack, database: str) -> str:
    """The stack's superuser, over its private socket (no password: local trust)."""
    return (f"host={stack.db_path('postgres')} port={stack.port('postgres')} dbname={database} "
            "user=postgres")


def insert_outbox(cx_dsn: str, count: int, tenant: uuid.UUID) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with psycopg.connect(cx_dsn) as conn, conn.cursor() as cur, cur.copy(
        "COPY smart360_events_outboxevent (id, type, version, tenant_id, occurred_at,"
        " request_id, payload, created_at) FROM STDIN"
    ) as copy:
        for n, event_id in enumerate(ids):
            payload = json.dumps({"consumer_id": n, "number": f"B-{n}", "name": "bench",
                                  "email": ""})
            copy.write_row([event_id, "cx.consumer.created", 1, str(tenant),
                            "now", "bench", payload, "now"])
    return ids


def handled(notification: psycopg.Connection, ids: list[str]) -> int:
    row = notification.execute("SELECT count(*) FROM smart360_events_inboxevent "
                               "WHERE id = ANY(%s::uuid[])", [ids]).fetchone()
    return int(row[0]) if row else 0


def handled_since(notification: psycopg.Connection, since: float) -> int:
    row = notification.execute("SELECT count(*) FROM smart360_events_inboxevent WHERE type = "
                               "'cx.consumer.created' AND received_at >= to_timestamp(%s)",
                               [since]).fetchone()
    return int(row[0]) if row else 0


def wait(count_done, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (done := count_done()) < total:
        if time.monotonic() > deadline:
            raise SystemExit(f"timeout: {done}/{total} handled after {timeout}s")
        time.sleep(0.25)


def run_sql(args: argparse.Namespace, cx_dsn: str, notification_dsn: str) -> float:
    since = time.time()  # before the rows exist: a relay tick right after the COPY still counts
    ids = insert_outbox(cx_dsn, args.count, uuid.uuid4())
    with psycopg.connect(notification_dsn, autocommit=True) as notification:
        started = time.monotonic()
        Celery(broker=args.redis_url).send_task("cx.relay_outbox", queue="cx")
        # Progress by a count of the type since the start, on one open connection: polling with
        # the COUNT ids (1.8 MB of UUIDs at 50,000, quoted in Python and probed one by one) on a
        # new connection every 0.25 s took a large share of the two cores from the path measured.
        wait(lambda: handled_since(notification, since), len(ids), args.timeout)
        # Then every one of ours by id (other events of the type may have been counted too);
        # normally already true at the first look.
        wait(lambda: handled(notification, ids), len(ids), args.timeout)
        return time.monotonic() - started


def run_api(args: argparse.Namespace, notification_dsn: str) -> float:
    from smart360.demo import seed_demo

    creds = seed_demo(args.gateway, maildir=args.maildir)
    with httpx.Client(base_url=args.gateway, timeout=30) as http:
        access = http.post("/auth/api/v1/token/", json={
            "email": creds["email"], "password": creds["password"]}).json()["access"]
    headers = {"Authorization": f"Bearer {access}"}
    since = time.time()
    started = time.monotonic()

    # One client for every thread (httpx.Client is thread-safe): building one per request
    # loads the CA bundle each time and made the client, not the platform, the bottleneck.
    limits = httpx.Limits(max_connections=args.concurrency)
    with httpx.Client(base_url=args.gateway, timeout=30, headers=headers, limits=limits) as http:

        def create(n: int) -> int:
            return http.post("/cx/api/v1/consumers/", json={"name": f"bench {n}"}).status_code

        with ThreadPoolExecutor(args.concurrency) as pool:
            codes = list(pool.map(create, range(args.count)))
    failures = len([c for c in codes if c != 201])
    if failures:
        raise SystemExit(f"{failures} of {args.count} POSTs failed")
    with psycopg.connect(notification_dsn, autocommit=True) as notification:
        wait(lambda: handled_since(notification, since), args.count, args.timeout)
    return time.monotonic() - started


def main() -> None:
    stack = Stack.from_env()
    local = stack.registry.local
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["sql", "api"], default="sql")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{local.port('gateway')}")
    parser.add_argument("--redis-url", default=f"redis://127.0.0.1:{local.port('redis')}/0")
    parser.add_argument("--cx-dsn", default=dsn(stack, stack.registry.service("cx").database))
    parser.add_argument("--notification-dsn",
                        default=dsn(stack, stack.registry.service("notification").database))
    parser.add_argument("--maildir", type=Path, default=stack.mail_dir)
    args = parser.parse_args()
    if args.mode == "sql":
        seconds = run_sql(args, args.cx_dsn, args.notification_dsn)
    else:
        seconds = run_api(args, args.notification_dsn)
    print(json.dumps({"mode": args.mode, "events": args.count, "seconds": round(seconds, 2),
                      "events_per_second": round(args.count / seconds, 1),
                      "load_average": [round(x, 1) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
