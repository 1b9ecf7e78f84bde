"""Memory of the local stack (PSS: shared pages are not counted twice), against its budget."""

from __future__ import annotations

import os
import re
from pathlib import Path

from smart360.stack.configs import program_role
from smart360.stack.layout import Stack
from smart360.stack.supervisor import Supervisor
from smart360.stack.system import read_pid


def pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry))
    return found


def tree_mb(pid: int, children: dict[int, list[int]]) -> float:
    """PSS of a process and all its descendants (gunicorn and Celery workers fork)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += pss_mb(current)
        todo.extend(children.get(current, []))
    return total


def server_pidfiles(stack: Stack) -> dict[str, Path]:
    return {"redis": stack.run / "redis.pid", "haproxy": stack.run / "haproxy.pid",
            "pgbouncer": stack.db_path("pgbouncer", "pgbouncer.pid"),
            "postgres": stack.db_path("postgres", "data", "postmaster.pid")}


def by_program(stack: Stack) -> dict[str, float]:
    """MB of every supervised program (with its forked children) and of every server."""
    children = children_by_parent()
    found = {info["name"]: tree_mb(info["pid"], children)
             for info in Supervisor(stack).processes() if info["pid"]}
    for name, pidfile in server_pidfiles(stack).items():
        pid = read_pid(pidfile)
        found[name] = tree_mb(pid, children) if pid else 0.0
    found["supervisord"] = pss_mb(read_pid(stack.run / "supervisord.pid") or 0)
    return {k: round(v, 1) for k, v in found.items()}


def usage(stack: Stack) -> dict[str, float]:
    """MB by role (web, worker, beat), servers, supervisord and total."""
    totals = {"web": 0.0, "worker": 0.0, "beat": 0.0, "other": 0.0, "servers": 0.0,
              "supervisord": 0.0}
    servers = server_pidfiles(stack)
    for name, mb in by_program(stack).items():
        role = "servers" if name in servers else (
            "supervisord" if name == "supervisord" else program_role(name)[1])
        totals[role if role in totals else "other"] += mb
    totals["total"] = sum(totals.values())
    return {k: round(v, 1) for k, v in totals.items()}
