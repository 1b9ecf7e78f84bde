"""gunicorn hooks for metrics: `gunicorn -c python:smart360.observability.gunicorn ...`.

Each gunicorn instance has its own PROMETHEUS_MULTIPROC_DIR: its master empties it at start
(files of an earlier run would be summed in) and drops a dead worker's live gauges.
"""

from __future__ import annotations

from typing import Any

from smart360.observability import metrics


def on_starting(server: Any) -> None:
    metrics.reset_multiprocess_dir()


def child_exit(server: Any, worker: Any) -> None:
    metrics.process_exited(worker.pid)
