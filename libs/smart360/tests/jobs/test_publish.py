"""The schedule in Redis: written by workers and migrate, read by a Django-free beat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redbeat.schedulers import RedBeatSchedulerEntry, ensure_conf, get_redis

from smart360.celery.app import app
from smart360.jobs.publish import publish_schedule, published_key
from smart360.jobs.schedule import beat_schedule
from smart360.registry import load


@pytest.fixture
def demo():
    svc = load().service("demo")
    yield svc
    for name in beat_schedule(svc):
        RedBeatSchedulerEntry(name, "", None, app=app).delete()


def _entry(name: str) -> RedBeatSchedulerEntry:
    return RedBeatSchedulerEntry.from_key(RedBeatSchedulerEntry.generate_key(app, name), app=app)


def test_every_declared_job_is_written_and_a_restart_does_not_fire_it_again(demo):
    assert publish_schedule(app, demo)["published"] == len(beat_schedule(demo))
    name = "demo.relay_outbox"
    entry = _entry(name)
    assert entry.task == name
    assert entry.options["expires"] == 50
    ran_at = datetime.now(UTC) - timedelta(seconds=30)
    entry.reschedule(last_run_at=ran_at)
    publish_schedule(app, demo)  # a worker restarts
    assert _entry(name).last_run_at == ran_at  # not "never ran": no extra fire


def test_a_job_no_longer_declared_is_removed(demo):
    RedBeatSchedulerEntry("demo.gone", "demo.gone", timedelta(hours=1), app=app).save()
    ensure_conf(app)
    get_redis(app).sadd(published_key(app), "demo.gone")
    assert publish_schedule(app, demo)["removed"] == 1
    with pytest.raises(KeyError):
        _entry("demo.gone")
