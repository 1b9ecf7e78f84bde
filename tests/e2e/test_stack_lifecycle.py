"""`make up` twice is harmless; `make down` leaves nothing behind."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from smart360.stack import configs
from smart360.stack.system import pid_alive, read_pid

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "smart360")


def _pids(stack) -> dict[str, int]:
    return {name: stack.supervisor.pid(name) for name in configs.program_names(stack.stack)}


def test_a_second_up_changes_nothing_and_returns_0(stack):
    before = _pids(stack)
    result = subprocess.run([CLI, "up"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "healthy" in result.stdout
    assert _pids(stack) == before  # nothing restarted


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.last
def test_down_stops_every_process_and_frees_every_port(stack):
    s = stack.stack
    pids = list(_pids(stack).values())
    pids += [read_pid(p) or 0 for p in (s.run / "supervisord.pid", s.run / "haproxy.pid",
                                        s.run / "redis.pid", s.db_path("pgbouncer", "pgbouncer.pid"),
                                        s.db_path("postgres", "data", "postmaster.pid"))]
    assert all(pids)
    result = subprocess.run([CLI, "down"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [p for p in pids if pid_alive(p)] == []
    ports = [s.port(n) for n in ("gateway", "postgres", "pgbouncer", "redis", "smtp")]
    ports += [s.web_port(svc, i) for svc in s.registry.services.values()
              for i in range(s.registry.local.web_instances)]
    assert [p for p in ports if _listening(p)] == []
