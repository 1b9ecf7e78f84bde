"""Benchmarks of the local stack (not run by `make test`; numbers go in bench/README.md).

    make bench            # or: .venv/bin/python bench/run.py [--duration 15] [--connections 16]

Measures, on a stack of its own (state .state/bench, ports +5000):
1. seconds from nothing to all healthy (`smart360 up` from an empty state folder: initdb,
   migrations of nine databases, 36 app processes, HAProxy checks passing);
2. memory of the whole stack (PSS, so shared pages are not counted twice);
3. through the gateway, in one run on the same gunicorn processes: req/s and p50/p99 of a bare
   JSON view, and of a tenant-scoped one-row GET (JWT verified locally, PgBouncer, PostgreSQL).
Load comes from wrk (Debian package), on loopback only, for a bounded duration.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SMART360_STATE_DIR", str(ROOT / ".state" / "bench"))
os.environ.setdefault("SMART360_PORT_OFFSET", "5000")
# the profile a previous `up` recorded in the (deleted) state folder must not carry over
os.environ.setdefault("SMART360_PROFILE", "default")

import httpx  # noqa: E402

from smart360.stack import control, memory, system  # noqa: E402
from smart360.stack.layout import Stack  # noqa: E402


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    system.ensure_packages(extra={"wrk": "wrk"})  # a Debian package, never pre-installed
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> float:
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": round(rps), "p50_ms": latency("50"), "p99_ms": latency("99"),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median throughput (its latencies belong to it), plus every run's req/s."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return {**ordered[len(ordered) // 2], "all_rps": [r["rps"] for r in runs]}  # type: ignore[dict-item]


def one_row_target(stack: Stack) -> tuple[str, dict[str, str]]:
    """A consumer of the demo tenant, read back by id with the demo admin's token."""
    creds = control.seed_demo(stack, lambda m: None)
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as http:
        token = http.post("/auth/api/v1/token/", json={"email": creds["email"],
                                                       "password": creds["password"]})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access']}"}
        created = http.post("/cx/api/v1/consumers/", headers=headers,
                            json={"name": "Bench Consumer", "email": "bench@example.com"})
        created.raise_for_status()
        url = f"{stack.gateway_url}/cx/api/v1/consumers/{created.json()['id']}/"
        assert http.get(url, headers=headers).status_code == 200
    return url, headers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="medians of this many runs")
    parser.add_argument("--keep", action="store_true", help="leave the bench stack running")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    stack = Stack.from_env()
    control.down(stack, lambda m: None)
    shutil.rmtree(stack.state_dir, ignore_errors=True)

    started = time.monotonic()
    control.up(stack, lambda m: print(f"• {m}", flush=True))
    cold = time.monotonic() - started
    started = time.monotonic()
    control.up(stack, lambda m: None)
    warm = time.monotonic() - started
    time.sleep(5)
    mem = memory.usage(stack)

    bare_url = f"{stack.gateway_url}/cx/api/v1/ping/"
    db_url, headers = one_row_target(stack)
    wrk(bare_url, 3, args.connections, {})  # warm-up: every thread has its connection
    wrk(db_url, 3, args.connections, headers)
    rounds: dict[str, list[dict[str, float]]] = {"bare": [], "db": []}
    for _ in range(args.rounds):  # alternate, so drift on a shared machine hits both alike
        rounds["bare"].append(wrk(bare_url, args.duration, args.connections, {}))
        rounds["db"].append(wrk(db_url, args.duration, args.connections, headers))
    bare, db = median_run(rounds["bare"]), median_run(rounds["db"])
    results = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "up_cold_seconds": round(cold, 1),
        "up_again_seconds": round(warm, 1),
        "memory_pss_mb": mem,
        "http": {"connections": args.connections, "seconds": args.duration, "rounds": args.rounds,
                 "bare_json_view": bare, "one_row_db_get": db,
                 "ratio_rps": round(bare["rps"] / db["rps"], 2)},
    }
    out = ROOT / "bench" / "results" / "latest.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    if not args.keep:
        control.down(stack, lambda m: None)


if __name__ == "__main__":
    sys.exit(main())
