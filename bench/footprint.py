"""The local stack's footprint: seconds from an empty state folder to all healthy, and memory.

    .venv/bin/python bench/footprint.py [--label after] [--rounds 2] [--settle 20]

Each round stops the bench stack, deletes its state folder and runs `smart360 up` (timed), then
waits `--settle` seconds (workers fork, beats tick, first requests warm up) and reads PSS per
program and per program type. Writes bench/results/footprint-<label>.json. Runs on a stack of
its own (.state/bench, ports +5000 unless set); not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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

from smart360.stack import configs, control, memory  # noqa: E402
from smart360.stack.layout import Stack  # noqa: E402
from smart360.stack.system import read_pid  # noqa: E402


def per_type(programs: dict[str, float]) -> dict[str, dict[str, float]]:
    """Programs grouped by type (web, worker, beat, servers, ...): count, total and mean MB."""
    groups: dict[str, list[float]] = {}
    for name, mb in programs.items():
        service, role = configs.program_role(name)
        groups.setdefault(role if service else name, []).append(mb)
    return {kind: {"count": len(v), "total_mb": round(sum(v), 1),
                   "each_mb": round(statistics.mean(v), 1)} for kind, v in sorted(groups.items())}


def cpu_seconds(stack: Stack) -> float:
    """CPU spent bringing the stack up, whatever else the machine was doing: this process and
    the children it waited for (initdb, migrations), and every server and supervised program
    with their reaped children. On an idle 2-core machine the wall time is about half."""
    tick = os.sysconf("SC_CLK_TCK")
    children = memory.children_by_parent()

    def tree(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        own = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        return own + sum(tree(child) for child in children.get(pid, []))

    roots = [read_pid(stack.run / "supervisord.pid")] + [
        read_pid(f) for f in memory.server_pidfiles(stack).values()]
    used = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(sum(u.ru_utime + u.ru_stime for u in used) + sum(tree(p) for p in roots if p), 1)


def warm_up(stack: Stack) -> None:
    """A few requests per service, as a developer's first clicks would make."""
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as http:
        for svc in stack.registry.services.values():
            for _ in range(stack.registry.local.web_instances * 2):
                http.get(svc.ready_path)
                http.get(f"{svc.prefix}api/v1/ping/")


def one_round(stack: Stack, settle: float) -> dict[str, object]:
    control.down(stack, lambda m: None)
    for folder in {stack.db_home, stack.state_dir}:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    control.up(stack, lambda m: print(f"  {time.monotonic() - started:5.1f}s {m}", flush=True))
    cold = time.monotonic() - started
    cpu = cpu_seconds(stack)
    load = os.getloadavg()[0]
    warm_up(stack)
    time.sleep(settle)
    programs = memory.by_program(stack)
    return {"up_cold_seconds": round(cold, 1), "up_cpu_seconds": cpu,
            "load_average_1m_at_healthy": round(load, 1), "memory_pss_mb": memory.usage(stack),
            "by_type": per_type(programs), "programs": len(programs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="latest")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--settle", type=float, default=20)
    args = parser.parse_args()
    stack = Stack.from_env()
    rounds = []
    try:
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}", flush=True)
            rounds.append(one_round(stack, args.settle))
            print(json.dumps({k: rounds[-1][k] for k in ("up_cold_seconds", "up_cpu_seconds",
                                                         "memory_pss_mb")}), flush=True)
    finally:
        control.down(stack, lambda m: None)
    results = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "profile": os.environ.get("SMART360_PROFILE", "default"),
        "up_cold_seconds": [r["up_cold_seconds"] for r in rounds],
        "rounds": rounds,
    }
    out = ROOT / "bench" / "results" / f"footprint-{args.label}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
