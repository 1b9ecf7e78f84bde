"""No failed request while a web process dies, or while a service restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streams import RequestStream

from smart360.stack.system import wait_until

pytestmark = pytest.mark.e2e


def _db_url(stack) -> str:
    return f"{stack.gateway_url}/cx/readyz"  # a database query through PgBouncer, and Redis


def test_kill_9_of_a_web_process_fails_no_request_and_it_comes_back(stack):
    victim = stack.supervisor.pid("cx-web-0")
    with RequestStream(_db_url(stack)) as stream:
        time.sleep(2)
        os.kill(victim, signal.SIGKILL)
        time.sleep(6)
    assert stream.total > 100
    assert stream.failures == [], stream.outcomes
    wait_until(lambda: stack.supervisor.info("cx-web-0")["statename"] == "RUNNING"
               and stack.supervisor.pid("cx-web-0") != victim, 30, "cx-web-0 to be restarted")


def test_smart360_restart_under_load_fails_no_request(stack):
    before = {p: stack.supervisor.pid(p) for p in ("cx-web-0", "cx-web-1", "cx-worker", "cx-beat")}
    with RequestStream(_db_url(stack)) as stream:
        time.sleep(1)
        result = subprocess.run([str(Path(sys.executable).parent / "smart360"), "restart", "cx"],
                                capture_output=True, text=True, timeout=300)
        time.sleep(1)
    assert result.returncode == 0, result.stderr
    assert stream.total > 100
    assert stream.failures == [], stream.outcomes
    after = {p: stack.supervisor.pid(p) for p in before}
    assert all(after[p] != before[p] for p in before), (before, after)  # every process renewed


def test_after_a_pgbouncer_restart_no_request_fails_on_a_stale_connection(stack):
    """Persistent connections outlive PgBouncer; the health check notices the hung-up socket
    before the first query (no extra round trip otherwise) and reconnects."""
    from smart360.stack import pgbouncer

    with RequestStream(_db_url(stack), threads=2) as warm:
        time.sleep(1)  # every web thread of cx now holds an open connection
    assert warm.failures == []
    pids = (stack.supervisor.pid("cx-web-0"), stack.supervisor.pid("cx-web-1"))
    pgbouncer.stop(stack.stack)
    pgbouncer.start(stack.stack)
    with RequestStream(_db_url(stack)) as stream:
        time.sleep(3)
    assert stream.total > 100
    assert stream.failures == [], stream.outcomes
    assert (stack.supervisor.pid("cx-web-0"), stack.supervisor.pid("cx-web-1")) == pids
