"""One job declaration: name, crontab, expires, recording, as_of; run now through the ops API."""

from __future__ import annotations

from datetime import date

import pytest
from celery.schedules import crontab

from smart360.django.models import JobRun
from smart360.jobs.schedule import declared, job
from smart360.jobs.timing import default_expires

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("schedule", "expires"), [
    (crontab(), 48),                          # every minute
    (crontab(minute="*/5"), 240),
    (crontab(minute=15), 2880),               # hourly
    (crontab(minute=0, hour=2), 69120),       # daily
    (crontab(minute=0, hour=2, day_of_month=1), 86400),  # monthly: capped at a day
])
def test_expires_is_derived_from_the_crontab(schedule, expires):
    assert default_expires(schedule) == expires


@job(crontab(minute=0, hour=3), name="demo.count_things")
def count_things(*, as_of: date | None) -> dict[str, str]:
    """As of a day, for tests."""
    return {"as_of": str(as_of)}


def test_a_job_is_declared_once_and_records_its_runs():
    spec = declared()["demo.count_things"]
    assert (spec.takes_as_of, spec.expires) == (True, 69120)
    assert count_things(as_of="2026-03-01") == {"as_of": "2026-03-01"}
    run = JobRun.objects.get(name="demo.count_things")
    assert (run.runs, run.last_status, run.last_as_of) == (1, "ok", date(2026, 3, 1))


def test_a_failing_job_is_recorded_failed():
    @job(crontab(), name="demo.breaks")
    def breaks() -> dict[str, int]:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        breaks()
    run = JobRun.objects.get(name="demo.breaks")
    assert run.last_status == "failed"
    assert "disk full" in run.last_result["error"]
