"""The end-to-end harness: brings the local stack up once for the session, down at the end.

It uses the test profile (`make test` sets SMART360_STATE_DIR=.state/test and shifts every port
by SMART360_PORT_OFFSET=10000), so it never touches a developer's running `make up` stack.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from celery import Celery

from smart360.celery import signals  # noqa: F401  (publishers stamp the request id)
from smart360.stack import control, redis_server
from smart360.stack.layout import Stack
from smart360.stack.supervisor import Supervisor


@dataclass
class StackHandle:
    stack: Stack
    supervisor: Supervisor

    @property
    def gateway_url(self) -> str:
        return self.stack.gateway_url

    @property
    def redis_url(self) -> str:
        return self.stack.redis_url

    @property
    def state_dir(self) -> Path:
        return self.stack.state_dir

    @property
    def mail_dir(self) -> Path:
        return self.stack.mail_dir

    def stop_redis(self) -> None:
        redis_server.stop(self.stack)

    def start_redis(self) -> None:
        redis_server.start(self.stack)

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a Celery queue (a Redis list named after it)."""
        with redis.Redis.from_url(self.redis_url) as client:
            return int(client.llen(queue))

    def celery(self, service: str) -> Celery:
        """A client Celery app speaking to the stack's broker as `service` would."""
        app = Celery(service, broker=self.redis_url, backend=self.redis_url)
        app.conf.update(task_default_queue=self.stack.registry.service(service).queue,
                        redbeat_redis_url=self.redis_url,
                        redbeat_key_prefix=f"redbeat:{service}:")
        return app

    def spawn(self, service: str, role: str, *args: str) -> subprocess.Popen[bytes]:
        """Start one more process of a service outside supervisord (e.g. a second beat)."""
        svc = self.stack.registry.service(service)
        log = open(self.stack.logs / f"{service}-{role}-extra.log", "ab")  # noqa: SIM115
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "smart360.celery.app", role, *args],
            cwd=self.stack.registry.root / "services" / service,
            env={**os.environ, **self.stack.service_env(svc, role)},
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        )


@pytest.fixture(scope="session")
def stack() -> Iterator[StackHandle]:
    # With Prometheus: the suite also checks that it scrapes every process (test_observability).
    handle = dataclasses.replace(Stack.from_env(), with_metrics=True)
    started = time.monotonic()
    control.up(handle, lambda m: print(f"• {m}", flush=True))
    print(f"• stack healthy after {time.monotonic() - started:.1f}s", flush=True)
    yield StackHandle(handle, Supervisor(handle))
    if not os.environ.get("SMART360_KEEP_STACK"):
        control.down(handle, lambda m: None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `last` (they stop the stack) run after everything else."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
