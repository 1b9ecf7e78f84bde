"""Multiprocess mode: a gunicorn instance's or a worker's processes are summed in one scrape."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(script: str, folder) -> str:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


SERIES = 'smart360_http_requests_total{method="GET",route="r/",status="200"}'


def test_values_of_every_process_of_a_program_are_summed(tmp_path):
    out = run("""
        import os
        from smart360.observability import metrics
        metrics.reset_multiprocess_dir()
        children = []
        for n in (1, 2):  # two forked processes, as gunicorn workers or pool children are
            pid = os.fork()
            if pid == 0:
                metrics.HTTP_REQUESTS.labels("GET", "r/", "200").inc(n)
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
            metrics.process_exited(pid)
        print(metrics.exposition().decode())
    """, tmp_path)
    assert f"{SERIES} 3.0" in out


def test_a_new_run_starts_from_empty_files(tmp_path):
    run("""
        from smart360.observability import metrics
        metrics.reset_multiprocess_dir()
        metrics.HTTP_REQUESTS.labels("GET", "r/", "200").inc(5)
    """, tmp_path)
    assert list(tmp_path.glob("*.db"))
    out = run("""
        from smart360.observability import metrics
        print(metrics.exposition().decode())
        metrics.reset_multiprocess_dir()
        print("--- after reset ---")
        print(metrics.exposition().decode())
    """, tmp_path)
    before, after = out.split("--- after reset ---")
    assert f"{SERIES} 5.0" in before  # an earlier run's files would be summed in...
    assert SERIES not in after  # ...so each program empties its folder when it starts
