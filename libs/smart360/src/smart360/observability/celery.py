"""Celery hooks: task counts, durations and queries; beat ticks; the /metrics server.

Connected on import: by the observability app's ready() in every process that sets Django up,
and by the settings-only beat app. Tasks run in the pool's children, which record into the
worker's multiprocess folder; the worker's main process serves the sum, plus the outbox lag of
the service's relay. A beat serves its own process. The port comes from SMART360_METRICS_PORT
(the local stack gives each worker and beat one from the registry; unset: no server).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery import signals

from smart360.observability import metrics
from smart360.observability.queries import QueryCounter
from smart360.observability.server import serve_metrics

PORT_ENV = "SMART360_METRICS_PORT"
log = logging.getLogger(__name__)
_running: dict[str, tuple[float, QueryCounter]] = {}  # task id -> (start, queries); one process


@signals.task_prerun.connect
def _task_started(task_id: str = "", **_: Any) -> None:
    from django.db import connection  # tasks run where Django is set up; a beat never gets here

    queries = QueryCounter()
    connection.execute_wrappers.append(queries)
    _running[task_id] = (time.perf_counter(), queries)


@signals.task_postrun.connect
def _task_finished(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _running.pop(task_id, None)
    if started is None or task is None:
        return
    from django.db import connection

    began, queries = started
    if queries in connection.execute_wrappers:
        connection.execute_wrappers.remove(queries)
    name = task.name
    metrics.TASKS.labels(name, (state or "UNKNOWN").lower()).inc()
    metrics.TASK_DURATION.labels(name).observe(time.perf_counter() - began)
    if queries.count:
        metrics.TASK_QUERIES.labels(name).inc(queries.count)


@signals.before_task_publish.connect
def _task_sent(sender: str | None = None, **_: Any) -> None:
    metrics.TASKS_SENT.labels(sender or "unknown").inc()


def beat_ticked() -> None:
    """Called by the beat's scheduler on every tick."""
    ticks, last_tick = metrics.beat_metrics()
    ticks.inc()
    last_tick.set(time.time())


def _port() -> int | None:
    raw = os.environ.get(PORT_ENV)
    return int(raw) if raw else None


@signals.worker_init.connect
def _worker_started(**_: Any) -> None:
    """The worker's main process, before its pool forks: fresh files, then the server."""
    metrics.reset_multiprocess_dir()
    port = _port()
    if port is not None:
        serve_metrics(port, metrics.worker_collectors)


@signals.worker_process_shutdown.connect
def _child_exited(pid: int | None = None, **_: Any) -> None:
    metrics.process_exited(pid or os.getpid())


@signals.beat_init.connect
def _beat_started(**_: Any) -> None:
    port = _port()
    if port is not None:
        serve_metrics(port, [])
