"""Each run of a job is recorded in JobRun (set-based updates, no read-modify-write), so every
service's jobs are observable: `/<svc>/api/v1/ops/jobs/`, `smart360 job list`, the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db.models import F
from django.utils import timezone

from smart360.django.models import JobRun
from smart360.logging import get_logger

log = get_logger(__name__)


@contextmanager
def recorded(name: str, *, as_of: date | None) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Mark the job running; the body calls `record(result)`; an exception marks it failed."""
    started = timezone.now()
    JobRun.objects.update_or_create(
        name=name, defaults={"last_status": JobRun.Status.RUNNING, "last_started_at": started,
                             "last_as_of": as_of})
    outcome: dict[str, Any] = {}
    try:
        yield outcome.update
    except Exception as exc:
        _finish(name, JobRun.Status.FAILED, {"error": f"{type(exc).__name__}: {exc}"[:500]})
        raise
    _finish(name, JobRun.Status.OK, outcome)
    log.info("job_finished", job=name, result=outcome, as_of=str(as_of or ""),
             seconds=round((timezone.now() - started).total_seconds(), 3))


def _finish(name: str, status: str, result: dict[str, Any]) -> None:
    JobRun.objects.filter(name=name).update(
        runs=F("runs") + 1, last_status=status, last_finished_at=timezone.now(), last_result=result
    )
