"""The beat scheduler: RedBeat (schedule and lock in Redis) plus a heartbeat on every tick.

RedBeat's lock makes a second beat (rolling-deploy overlap) wait until the first one is gone,
so each job fires once per tick; the heartbeat says the lock holder is ticking.
"""

from __future__ import annotations

from typing import Any

from redbeat import RedBeatScheduler

from smart360.celery import heartbeat
from smart360.observability.celery import beat_ticked


class Scheduler(RedBeatScheduler):
    def tick(self, *args: Any, **kwargs: Any) -> float:
        next_in: float = super().tick(*args, **kwargs)
        heartbeat.beat(self.app.main, "beat")
        beat_ticked()
        return next_in

    def close(self) -> None:
        try:
            heartbeat.redis_client().delete(heartbeat.key(self.app.main, "beat"))
        finally:
            super().close()
