"""The platform's metrics, one definition each, and their exposition in Prometheus text format.

Every process type records into the same names; Prometheus (or the CloudWatch agent) adds
service, role and instance labels from its scrape configuration. With PROMETHEUS_MULTIPROC_DIR
set (gunicorn workers, Celery pool children) each process writes its values to files in that
folder and a scrape sums them (prometheus_client's multiprocess mode); without it the values
live in this process.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
if os.environ.get(MULTIPROC_ENV):  # values are files there: the folder must exist before any
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what Prometheus 2 and the CloudWatch agent read
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 120.0, 300.0)

HTTP_REQUESTS = Counter(
    "smart360_http_requests", "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "smart360_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status",
    ["method", "route", "status"], buckets=LATENCY_BUCKETS)
HTTP_QUERIES = Counter(
    "smart360_http_db_queries", "Database queries run while answering requests, by route template",
    ["method", "route"])
TASKS = Counter(
    "smart360_celery_tasks", "Celery tasks run, by task name and final state", ["task", "state"])
TASK_DURATION = Histogram(
    "smart360_celery_task_duration_seconds", "Run time of Celery tasks, by task name",
    ["task"], buckets=TASK_BUCKETS)
TASK_QUERIES = Counter(
    "smart360_celery_task_db_queries", "Database queries run by Celery tasks, by task name", ["task"])
TASKS_SENT = Counter(
    "smart360_celery_tasks_sent", "Task messages this process published, by task name", ["task"])


@cache
def beat_metrics() -> tuple[Counter, Gauge]:
    """Made on a beat's first tick: metrics without labels exist (at 0) from their creation,
    and other processes have no ticks to report."""
    return (Counter("smart360_beat_ticks", "Scheduler ticks of this beat"),
            Gauge("smart360_beat_last_tick_timestamp_seconds", "Unix time of this beat's last tick",
                  multiprocess_mode="max"))


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def reset_multiprocess_dir() -> None:
    """Empty this program's folder at its start: files of an earlier run would be summed in."""
    folder = multiprocess_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def process_exited(pid: int) -> None:
    """Drop the live gauges of a process that is gone (its counters stay in the sums)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)


class _ThisProcess(Collector):
    """The default registry, as one collector of a per-scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """Every metric of this program (all its processes in multiprocess mode) plus `extra`."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir() is not None:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry)


# Collectors a worker's /metrics serves beside the task metrics; apps add theirs when ready
# (the events app: the outbox lag, in services that publish).
worker_collectors: list[Collector] = []
