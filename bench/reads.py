"""Reads on the API toolkit through the gateway, beside a bare JSON view (one run, same processes).

    SMART360_STATE_DIR=.state/bench SMART360_PORT_OFFSET=5000 .venv/bin/python bench/reads.py --up

Endpoints, each with the demo admin's token (JWT verified locally, tenant-scoped, PgBouncer):
  bare                 GET /cx/api/v1/ping/                 (no auth, no database)
  consumer detail      GET /cx/api/v1/consumers/<id>/
  consumer list        GET /cx/api/v1/consumers/?limit=1    (first page of a keyset list)
  organization detail  GET /onboarding/api/v1/organizations/current/
Writes bench/results/reads.json; the numbers and the profile go in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SMART360_STATE_DIR", str(ROOT / ".state" / "bench"))
os.environ.setdefault("SMART360_PORT_OFFSET", "5000")
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from run import median_run, wrk  # noqa: E402

from smart360.stack import control  # noqa: E402
from smart360.stack.layout import Stack  # noqa: E402

CONSUMERS = 300


def targets(stack: Stack) -> tuple[dict[str, str], dict[str, str]]:
    creds = control.seed_demo(stack, lambda m: None)
    gw = stack.gateway_url
    with httpx.Client(base_url=gw, timeout=30) as http:
        token = http.post("/auth/api/v1/token/", json={"email": creds["email"],
                                                       "password": creds["password"]})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access']}"}
        first = None
        for n in range(CONSUMERS):
            created = http.post("/cx/api/v1/consumers/", headers=headers,
                                json={"name": f"Bench Consumer {n}", "email": f"b{n}@bench.test"})
            created.raise_for_status()
            first = first or created.json()["id"]
        urls = {"bare": f"{gw}/cx/api/v1/ping/",
                "consumer_detail": f"{gw}/cx/api/v1/consumers/{first}/",
                "consumer_list": f"{gw}/cx/api/v1/consumers/?limit=1",
                "organization_detail": f"{gw}/onboarding/api/v1/organizations/current/"}
        for url in urls.values():
            assert http.get(url, headers=headers).status_code == 200, url
    return urls, headers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--up", action="store_true", help="bring the bench stack up first")
    args = parser.parse_args()
    stack = Stack.from_env()
    if args.up:
        control.up(stack, lambda m: print(f"• {m}", flush=True))
    urls, headers = targets(stack)
    for name, url in urls.items():  # warm-up: every thread has its connection and caches
        wrk(url, 3, args.connections, {} if name == "bare" else headers)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in urls}
    for _ in range(args.rounds):  # alternate, so drift on a shared machine hits all alike
        for name, url in urls.items():
            runs[name].append(wrk(url, args.duration, args.connections,
                                  {} if name == "bare" else headers))
    medians = {name: median_run(r) for name, r in runs.items()}
    bare = medians["bare"]["rps"]
    results = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "connections": args.connections, "seconds": args.duration, "rounds": args.rounds,
        "endpoints": {name: {**m, "share_of_bare": round(m["rps"] / bare, 2)}
                      for name, m in medians.items()},
    }
    out = ROOT / "bench" / "results" / "reads.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
