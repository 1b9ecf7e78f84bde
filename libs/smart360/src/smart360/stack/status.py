"""What runs and whether it serves: web answering, worker consuming, beat ticking."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import redis

from smart360.celery import heartbeat
from smart360.stack.configs import program_role
from smart360.stack.layout import Stack
from smart360.stack.supervisor import Supervisor


@dataclass
class ProcessStatus:
    service: str
    role: str
    program: str
    pid: int
    state: str
    healthy: bool
    detail: str
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _web_health(url: str) -> tuple[bool, str]:
    try:
        response = httpx.get(url, timeout=2.0)
    except httpx.HTTPError as exc:
        return False, type(exc).__name__
    return response.status_code == 200, f"HTTP {response.status_code}"


def collect(stack: Stack) -> list[ProcessStatus]:
    sup = Supervisor(stack)
    if not sup.is_running():
        return []
    try:
        client = redis.Redis.from_url(stack.redis_url, socket_timeout=2, decode_responses=True)
        beats = heartbeat.read(client=client)
    except redis.RedisError:
        beats = {}
    host = socket.gethostname()
    rows: list[ProcessStatus] = []
    web_checks: dict[int, str] = {}
    for info in sup.processes():
        service, role = program_role(info["name"])
        if not service:  # a helper (smtp), not one of a service's processes
            continue
        svc = stack.registry.service(service)
        row = ProcessStatus(service, role, info["name"], int(info["pid"]), info["statename"],
                            False, info["statename"].lower())
        if role == "web":
            instance = int(info["name"].rsplit("-", 1)[1])
            row.url = f"http://127.0.0.1:{stack.web_port(svc, instance)}{svc.health_path}"
            web_checks[len(rows)] = row.url
        elif row.state == "RUNNING":
            seen = beats.get((service, role, host, row.pid))
            age = time.time() - seen if seen else None
            row.healthy = age is not None and age < heartbeat.TTL_SECONDS
            what = "consuming" if role == "worker" else "ticking"
            row.detail = f"{what} ({age:.0f}s ago)" if row.healthy and age is not None else (
                "no heartbeat yet" if role == "worker" else "no tick (starting or standby)")
        rows.append(row)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(_web_health, web_checks.values())
        for index, (ok, detail) in zip(web_checks, results, strict=True):
            if rows[index].state == "RUNNING":
                rows[index].healthy, rows[index].detail = ok, detail
    return rows


def flower_ready(stack: Stack) -> bool:
    """Flower answers its (unauthenticated) health check; every other page asks for the user."""
    from smart360.stack.configs import FLOWER_PREFIX

    url = f"http://127.0.0.1:{stack.port('flower')}{FLOWER_PREFIX}healthcheck"
    return httpx.get(url, timeout=2.0).status_code == 200


def prometheus_ready(stack: Stack) -> bool:
    return httpx.get(f"http://127.0.0.1:{stack.port('prometheus')}/-/ready",
                     timeout=2.0).status_code == 200


def _prometheus_state(stack: Stack) -> str:
    from smart360.stack import prometheus

    found = prometheus.targets(stack)
    up = sum(t["health"] == "up" for t in found)
    return f"{up}/{len(found)} targets up"


def servers(stack: Stack) -> list[dict[str, str]]:
    """The servers under the app processes, each with how it answered just now."""
    from smart360.stack import haproxy, pgbouncer, postgres, redis_server

    def probe(check: Callable[[], object]) -> str:
        try:
            return "up" if check() else "DOWN"
        except Exception as exc:  # a probe reports, it never raises
            return f"DOWN ({type(exc).__name__})"

    def _safe(describe: Callable[[], str]) -> str:
        try:
            return describe()
        except OSError as exc:
            return f"DOWN ({type(exc).__name__})"

    def backends() -> str:
        rows = [r for r in haproxy.servers(stack) if r["pxname"] in stack.registry.services]
        up = sum(r["status"] == "UP" for r in rows)
        return f"{up}/{len(rows)} web instances UP"

    sup = Supervisor(stack)
    smtp = sup.info("smtp")["statename"] if sup.is_running() else "not running"
    rows = [
        {"server": "postgres", "address": f"127.0.0.1:{stack.port('postgres')}",
         "state": probe(lambda: postgres.is_ready(stack))},
        {"server": "pgbouncer", "address": f"127.0.0.1:{stack.port('pgbouncer')}",
         "state": probe(lambda: pgbouncer.is_ready(stack))},
        {"server": "redis", "address": f"127.0.0.1:{stack.port('redis')}",
         "state": probe(lambda: redis_server.is_ready(stack))},
        {"server": "haproxy", "address": stack.gateway_url,
         "state": _safe(backends) if (stack.run / "haproxy.sock").exists() else "DOWN"},
        {"server": "smtp", "address": f"127.0.0.1:{stack.port('smtp')}",
         "state": "up" if smtp == "RUNNING" else smtp},
        {"server": "flower", "address": f"{stack.gateway_url}/flower/",
         "state": probe(lambda: flower_ready(stack))},
    ]
    if stack.with_metrics:
        rows.append({"server": "prometheus", "address": f"http://127.0.0.1:{stack.port('prometheus')}/",
                     "state": probe(lambda: _prometheus_state(stack))})
    return rows
