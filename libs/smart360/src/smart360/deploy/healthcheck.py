"""Container health checks for the three roles:  python -m smart360.deploy.healthcheck ROLE

web:          GET http://127.0.0.1:$PORT/<service>/healthz answers 200 (liveness only: a database
              outage must not make ECS kill every web task; /readyz is the load balancer's job).
worker, beat: this container's process wrote a Redis heartbeat within the TTL. The key holds
              the host name, and in a container that is the container's own id.

Exit 0 healthy, 1 unhealthy (Docker/ECS semantics). Light imports: runs every 15-30 s.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable

ROLES = ("web", "worker", "beat")


def check_web(service: str, port: int, timeout: float = 4.0) -> tuple[bool, str]:
    url = f"http://127.0.0.1:{port}/{service}/healthz"
    request = urllib.request.Request(url, headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http to 127.0.0.1)  # nosec B310
            return response.status == 200, f"{url} -> {response.status}"
    except Exception as exc:  # any failure is simply "unhealthy"
        return False, f"{url} -> {type(exc).__name__}: {exc}"


def check_heartbeat(
    heartbeats: Iterable[tuple[str, float]], host: str, ttl: float, now: float
) -> tuple[bool, str]:
    """heartbeats: (host, unix time) of the role's live keys; is one ours and fresh?"""
    ages = [now - at for h, at in heartbeats if h == host]
    if not ages:
        return False, f"no heartbeat from {host}"
    freshest = min(ages)
    return freshest <= ttl, f"heartbeat from {host} {freshest:.1f}s old (ttl {ttl}s)"


def redis_heartbeats(service: str, role: str) -> list[tuple[str, float]]:
    import redis

    from smart360.celery import heartbeat
    from smart360.env import redis_url

    client = redis.Redis.from_url(redis_url(), socket_timeout=3,
                                  socket_connect_timeout=3, decode_responses=True)
    host = socket.gethostname()
    keys = list(client.scan_iter(f"{heartbeat.PREFIX}:{service}:{role}:{host}:*", count=500))
    values = client.mget(keys) if keys else []
    return [(k.split(":")[-2], float(v)) for k, v in zip(keys, values, strict=True) if v]


def check(
    role: str,
    *,
    environ: dict[str, str] | None = None,
    heartbeats: Callable[[str, str], list[tuple[str, float]]] = redis_heartbeats,
    now: Callable[[], float] = time.time,
) -> tuple[bool, str]:
    environ = dict(os.environ) if environ is None else environ
    service = environ.get("SMART360_SERVICE", "")
    if not service:
        return False, "SMART360_SERVICE is not set"
    if role == "web":
        return check_web(service, int(environ.get("PORT", "8000")))
    if role in ("worker", "beat"):
        from smart360.celery.heartbeat import TTL_SECONDS

        try:
            found = heartbeats(service, role)
        except Exception as exc:
            return False, f"cannot read heartbeats: {type(exc).__name__}: {exc}"
        return check_heartbeat(found, socket.gethostname(), TTL_SECONDS, now())
    return False, f"unknown role {role!r}; expected one of {', '.join(ROLES)}"


def main(argv: list[str]) -> int:
    role = argv[0] if argv else os.environ.get("SMART360_ROLE", "")
    healthy, detail = check(role)
    print(("healthy: " if healthy else "UNHEALTHY: ") + detail)  # noqa: T201 (docker inspect)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
