"""Heartbeats that prove a worker consumes and a beat ticks (status, ECS health checks).

Keys: smart360:heartbeat:<service>:<role>:<host>:<pid> -> unix time, expiring after TTL.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

import redis
from celery import bootsteps

from smart360.redis import redis_client

TTL_SECONDS = 20
INTERVAL_SECONDS = 5
PREFIX = "smart360:heartbeat"


def key(service: str, role: str, host: str | None = None, pid: int | None = None) -> str:
    return f"{PREFIX}:{service}:{role}:{host or socket.gethostname()}:{pid or os.getpid()}"


def beat(service: str, role: str) -> None:
    redis_client().set(key(service, role), f"{time.time():.3f}", ex=TTL_SECONDS)


def read(service: str = "*", role: str = "*", client: redis.Redis | None = None
         ) -> dict[tuple[str, str, str, int], float]:
    """Live heartbeats: {(service, role, host, pid): unix time}."""
    client = client or redis_client()
    keys = list(client.scan_iter(f"{PREFIX}:{service}:{role}:*", count=1000))
    values = client.mget(keys) if keys else []
    found = {}
    for k, v in zip(keys, values, strict=True):
        if v is not None:
            svc, rol, host, pid = k.split(":")[-4:]
            found[(svc, rol, host, int(pid))] = float(v)
    return found


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Runs on the consumer's own timer, so it stops when the consumer stops consuming."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.tref: Any = None

    def start(self, parent: Any) -> None:
        service = parent.app.main
        beat(service, "worker")
        self.tref = parent.timer.call_repeatedly(INTERVAL_SECONDS, beat, (service, "worker"))

    def stop(self, parent: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        redis_client().delete(key(parent.app.main, "worker"))

    shutdown = stop
