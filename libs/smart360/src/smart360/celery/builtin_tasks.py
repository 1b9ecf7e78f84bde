"""Tasks every service's worker has: a ping (end-to-end probe) and a tick recorder (beat tests)."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from smart360 import requestid
from smart360.celery.tasks import platform_task
from smart360.conf import service_name
from smart360.redis import redis_client


@platform_task("smart360.ping", ignore_result=False, expires=60)
def ping() -> dict[str, Any]:
    return {
        "service": service_name(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "request_id": requestid.get(),
    }


@platform_task("smart360.record_tick", expires=60)
def record_tick(probe: str) -> None:
    """Append the time this ran to a Redis list: lets a test count how often beat fired a job."""
    redis_client().rpush(f"smart360:ticks:{probe}", f"{time.time():.3f}")
