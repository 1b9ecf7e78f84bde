"""The beat scheduler: RedBeat (schedule and lock in Redis) plus a heartbeat on every tick.

RedBeat's lock makes a second beat (rolling-deploy overlap) wait until the first one is gone,
so each job fires once per tick; the heartbeat says the lock holder is ticking. The entries are
in Redis: the service's workers write them from the @job declarations when they start
(smart360.jobs.publish), so a beat needs no Django, no models and no task modules
(smart360.celery.beat_app) — it reads entries and sends task messages by name.
"""

from __future__ import annotations

from typing import Any

from redbeat import RedBeatScheduler

from smart360.celery import heartbeat
from smart360.celery.queue_metrics import Publisher
from smart360.observability.celery import beat_ticked
from smart360.registry import load


class Scheduler(RedBeatScheduler):
    def setup_schedule(self) -> None:
        """Nothing to install: the entries are in Redis already (see above)."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        next_in: float = super().tick(*args, **kwargs)
        heartbeat.beat(self.app.main, "beat")
        beat_ticked()
        self._queue_metrics().tick(heartbeat.redis_client())
        return next_in

    def _queue_metrics(self) -> Publisher:
        """The workers' scaling signal (published in AWS only; see queue_metrics)."""
        if getattr(self, "_publisher", None) is None:
            service = load().service(self.app.main)
            self._publisher = Publisher(service.name, service.queues)
        return self._publisher

    def close(self) -> None:
        try:
            heartbeat.redis_client().delete(heartbeat.key(self.app.main, "beat"))
        finally:
            super().close()
