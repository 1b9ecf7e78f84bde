"""The schedule, written to Redis where the beat reads it (RedBeat entries).

The @job declarations live in task modules that need Django; a beat process only needs the
entries. So whoever has Django set up writes them: every worker when it starts, and `migrate`
(which runs at each deploy, so a service whose workers are scaled to zero still gets its jobs
fired — the messages they send are what scales the workers back up). Writing is idempotent: an
existing entry keeps its last run (no extra fire on a restart), a new one waits for its next
slot, and entries of jobs that are no longer declared are removed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from celery import Celery
from redbeat.schedulers import RedBeatSchedulerEntry, ensure_conf, get_redis

from smart360.jobs.schedule import beat_schedule
from smart360.logging import get_logger
from smart360.registry import Service

log = get_logger(__name__)


def published_key(app: Celery) -> str:
    return f"{app.redbeat_conf.key_prefix}:smart360:jobs"


def publish_schedule(app: Celery, svc: Service) -> dict[str, Any]:
    ensure_conf(app)
    client = get_redis(app)
    wanted = beat_schedule(svc)
    for name, spec in wanted.items():
        entry = RedBeatSchedulerEntry(name, spec["task"], spec["schedule"],
                                      options=spec["options"], app=app)
        # A new job's last run is "now", so it first fires at its next slot; a known one keeps
        # its own (a restart does not fire it again).
        with contextlib.suppress(KeyError):
            entry.last_run_at = RedBeatSchedulerEntry.from_key(entry.key, app=app).last_run_at \
                or entry.last_run_at
        entry.save()
    stale = {n if isinstance(n, str) else n.decode() for n in client.smembers(published_key(app))}
    stale -= set(wanted)
    for name in stale:
        RedBeatSchedulerEntry(name, "", None, app=app).delete()
    with client.pipeline() as pipe:
        pipe.delete(published_key(app))
        if wanted:
            pipe.sadd(published_key(app), *wanted)
        pipe.delete(app.redbeat_conf.statics_key)  # RedBeat's own static set: not used here
        pipe.execute()
    log.info("schedule_published", service=svc.name, jobs=sorted(wanted), removed=sorted(stale))
    return {"published": len(wanted), "removed": len(stale)}
