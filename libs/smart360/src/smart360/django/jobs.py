"""Run a scheduled job and record it in JobRun, so every beat job is observable per service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db.models import F
from django.utils import timezone

from smart360.django.models import JobRun
from smart360.logging import get_logger

log = get_logger(__name__)
R = TypeVar("R", bound=dict[str, Any])


def recorded_job(name: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Wrap a job's body: JobRun row updated before and after (set-based, no read-modify-write)."""

    def decorate(job: Callable[..., R]) -> Callable[..., R]:
        @wraps(job)
        def run(*args: Any, **kwargs: Any) -> R:
            started = timezone.now()
            JobRun.objects.update_or_create(
                name=name, defaults={"last_status": JobRun.Status.RUNNING, "last_started_at": started}
            )
            try:
                result = job(*args, **kwargs)
            except Exception as exc:
                _finish(name, JobRun.Status.FAILED, {"error": f"{type(exc).__name__}: {exc}"[:500]})
                raise
            _finish(name, JobRun.Status.OK, result)
            log.info("job_finished", job=name, result=result,
                     seconds=round((timezone.now() - started).total_seconds(), 3))
            return result

        return run

    return decorate


def _finish(name: str, status: str, result: dict[str, Any]) -> None:
    JobRun.objects.filter(name=name).update(
        runs=F("runs") + 1, last_status=status, last_finished_at=timezone.now(), last_result=result
    )
