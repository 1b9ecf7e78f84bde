"""One declaration per scheduled job (see the package docstring)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from celery.exceptions import TimeoutError as ResultTimeout
from celery.result import AsyncResult
from celery.schedules import crontab

from smart360.celery.tasks import dispatch, platform_task
from smart360.conf import service_name
from smart360.jobs.recording import recorded
from smart360.jobs.timing import default_expires
from smart360.registry import Service, load

JobResult = dict[str, Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    schedule: crontab
    expires: int
    takes_as_of: bool
    platform: bool = False  # a library job every (matching) service runs
    applies: Callable[[Service], bool] = field(default=lambda svc: True, compare=False)

    def beat_entry(self) -> dict[str, Any]:
        return {"task": self.name, "schedule": self.schedule, "options": {"expires": self.expires}}


_jobs: dict[str, JobSpec] = {}


def as_of_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def job(schedule: crontab, *, name: str | None = None, expires: int | None = None,
        platform: bool = False, applies: Callable[[Service], bool] | None = None,
        **task_options: Any) -> Callable[[Callable[..., JobResult]], Any]:
    """Declare a scheduled job. The name defaults to `<service>.<function name>`; `expires`
    defaults to 80 % of the shortest gap between two fires of the crontab."""

    def decorate(body: Callable[..., JobResult]) -> Any:
        job_name = name or f"{body.__module__.split('.')[0]}.{body.__name__}"
        spec = JobSpec(job_name, schedule, expires or default_expires(schedule),
                       "as_of" in inspect.signature(body).parameters, platform,
                       applies or (lambda svc: True))

        @platform_task(job_name, ignore_result=False, **task_options)
        def run(as_of: str | date | None = None) -> JobResult:
            day = as_of_date(as_of)
            with recorded(job_name, as_of=day) as record:
                result = body(as_of=day) if spec.takes_as_of else body()
                record(result)
            return result

        run.__doc__ = body.__doc__
        run.spec = spec
        _jobs[job_name] = spec
        return run

    return decorate


def declared() -> dict[str, JobSpec]:
    return dict(_jobs)


def service_jobs(svc: Service) -> list[JobSpec]:
    """What beat runs for a service: its schedules.py JOBS, then the platform's own jobs."""
    try:
        module = import_module(f"{svc.package}.schedules")
    except ModuleNotFoundError as exc:
        if exc.name not in (svc.package, f"{svc.package}.schedules"):
            raise
        own: list[Any] = []
    else:
        own = list(module.JOBS)
    for item in own:
        if not isinstance(getattr(item, "spec", None), JobSpec):
            raise TypeError(f"{svc.name} schedules.JOBS: {item!r} is not an @job")
    platform = [s for s in _jobs.values() if s.platform and s.applies(svc)]
    return [item.spec for item in own] + platform


def beat_schedule(svc: Service) -> dict[str, dict[str, Any]]:
    return {spec.name: spec.beat_entry() for spec in service_jobs(svc)}


def job_run_now(spec: JobSpec, *, as_of: str | None, wait_seconds: float) -> dict[str, Any]:
    """Send the job to this service's worker and wait (up to wait_seconds) for its answer."""
    result: AsyncResult = dispatch(spec.name, kwargs={"as_of": as_of},
                                   queue=load().service(service_name()).queue)
    try:
        value = result.get(timeout=wait_seconds, propagate=False) if wait_seconds else None
    except ResultTimeout:
        return {"name": spec.name, "task_id": result.id, "status": "running", "result": None}
    if not wait_seconds:
        return {"name": spec.name, "task_id": result.id, "status": "queued", "result": None}
    failed = result.failed()
    return {"name": spec.name, "task_id": result.id, "status": "failed" if failed else "ok",
            "result": {"error": repr(value)} if failed else value}
