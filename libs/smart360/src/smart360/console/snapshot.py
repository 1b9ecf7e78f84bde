"""What the console shows, gathered from the stack (pure data: rendering is in render.py)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis

from smart360.celery import heartbeat
from smart360.celery.queue_metrics import PRIORITY_SEPARATOR, PRIORITY_STEPS
from smart360.stack import memory, status
from smart360.stack.layout import Stack

API = "api/v1/ops"


@dataclass
class QueueRow:
    service: str
    queue: str
    depth: int
    oldest_age: float | None  # seconds; None when empty
    oldest_exact: bool = True  # False: age since the console first saw that message waiting


@dataclass
class BeatRow:
    service: str
    host: str
    pid: int
    last_tick: float  # unix time


@dataclass
class Revision:
    service: str
    digest: str  # of the service's task definitions in bifrost/
    commit: str  # the last commit that changed them ("" when not in git)
    date: str


@dataclass
class ApiResult:
    """One call of a service's operations API: the JSON, or why there is none."""

    service: str
    ok: bool
    data: Any = None
    error: str = ""


class OldestTracker:
    """When a queue's head message was first seen: Celery's messages carry no send time, so a
    message the console keeps seeing at the head of a queue is at least that old."""

    def __init__(self, clock: Any = time.time) -> None:
        self.clock = clock
        self.seen: dict[str, tuple[str, float]] = {}
        self.lock = threading.Lock()

    def age(self, queue: str, head: str | None) -> float | None:
        now = self.clock()
        with self.lock:
            if head is None:
                self.seen.pop(queue, None)
                return None
            known = self.seen.get(queue)
            if known is None or known[0] != head:
                self.seen[queue] = (head, now)
                return 0.0
            return now - known[1]


def _message_id(raw: str) -> tuple[str, float | None]:
    """(an identity of a kombu message, its send time if a publisher stamped one)."""
    try:
        message = json.loads(raw)
        headers = message.get("headers") or {}
        tag = str(message.get("properties", {}).get("delivery_tag") or headers.get("id") or raw[:64])
        sent = headers.get("smart360_sent_at")
        return tag, float(sent) if sent else None
    except (ValueError, AttributeError, TypeError):
        return raw[:64], None


def queues(stack: Stack, client: redis.Redis, tracker: OldestTracker) -> list[QueueRow]:
    """Depth of every service queue (priority lists included) and the age of its oldest message
    (kombu pushes on the left and workers pop on the right: the oldest is at index -1)."""
    names = [(s.name, q) for s in stack.registry.services.values() for q in s.queues]
    pipe = client.pipeline(transaction=False)
    for _, queue in names:
        pipe.llen(queue)
        for step in PRIORITY_STEPS:
            pipe.llen(f"{queue}{PRIORITY_SEPARATOR}{step}")
        pipe.lindex(queue, -1)
    answers = pipe.execute()
    width = 2 + len(PRIORITY_STEPS)
    rows = []
    for index, (service, queue) in enumerate(names):
        chunk = answers[index * width:(index + 1) * width]
        depth, head = int(sum(chunk[:-1])), chunk[-1]
        if head is None:
            tracker.age(queue, None)
            rows.append(QueueRow(service, queue, depth, None))
            continue
        raw = head.decode() if isinstance(head, bytes) else str(head)
        tag, sent = _message_id(raw)
        seen = tracker.age(queue, tag)
        if sent is not None:
            rows.append(QueueRow(service, queue, depth, max(0.0, time.time() - sent)))
        else:
            rows.append(QueueRow(service, queue, depth, seen, oldest_exact=False))
    return rows


def beats(client: redis.Redis) -> list[BeatRow]:
    """The last tick of every beat that ticks (its heartbeat, as `smart360 status` reads it)."""
    found = heartbeat.read(role="beat", client=client)
    return sorted((BeatRow(svc, host, pid, seen) for (svc, _, host, pid), seen in found.items()),
                  key=lambda b: b.service)


_revisions: dict[str, tuple[float, Revision]] = {}


def revisions(stack: Stack) -> list[Revision]:
    """Each service's deploy revision from bifrost/ (what `smart360 render` wrote and the
    deploy registers): a digest of its task definitions and the commit that last changed them."""
    root = stack.registry.root
    folder = root / "bifrost" / "task-definitions"
    rows = []
    for svc in stack.registry.services.values():
        files = sorted(folder.glob(f"{svc.name}-*.json"))
        stamp = max((f.stat().st_mtime for f in files), default=0.0)
        cached = _revisions.get(svc.name)
        if cached and cached[0] == stamp:
            rows.append(cached[1])
            continue
        digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:12] if files else ""
        commit, date = "", ""
        if files:
            try:
                out = subprocess.run(
                    ["git", "-C", str(root), "log", "-1", "--format=%h %cs", "--",
                     *(str(f.relative_to(root)) for f in files)],
                    capture_output=True, text=True, timeout=5, check=False).stdout.split()
                commit, date = ([*out, "", ""])[:2]
            except (OSError, subprocess.SubprocessError):
                pass
        revision = Revision(svc.name, digest, commit, date)
        _revisions[svc.name] = (stamp, revision)
        rows.append(revision)
    return rows


class MemoryCache:
    """stack.memory.usage walks /proc: measured at most every `ttl` seconds."""

    def __init__(self, ttl: float = 15.0) -> None:
        self.ttl, self.at = ttl, -ttl
        self.value: dict[str, float] = {}
        self.programs: dict[str, float] = {}
        self.lock = threading.Lock()

    def get(self, stack: Stack) -> tuple[dict[str, float], dict[str, float]]:
        with self.lock:
            if time.monotonic() - self.at > self.ttl:
                try:
                    self.programs = memory.by_program(stack)
                    self.value = memory.usage(stack)
                except OSError:
                    self.programs, self.value = {}, {}
                self.at = time.monotonic()
            return self.value, self.programs


@dataclass
class History:
    """Queue depth per service, sampled by the console (Prometheus has no queue gauge)."""

    size: int = 180  # 15 minutes at one sample per 5 s
    samples: deque[tuple[float, dict[str, int]]] = field(default_factory=deque)

    def add(self, when: float, depths: dict[str, int]) -> None:
        self.samples.append((when, depths))
        while len(self.samples) > self.size:
            self.samples.popleft()

    def series(self) -> dict[str, list[tuple[float, float]]]:
        found: dict[str, list[tuple[float, float]]] = {}
        for when, depths in list(self.samples):
            for name, depth in depths.items():
                found.setdefault(name, []).append((when, float(depth)))
        return found


def processes(stack: Stack) -> list[status.ProcessStatus]:
    return status.collect(stack)


# -- the services' operations API, through the gateway, as the operator ----------------------
def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"HTTP {response.status_code}: {body.get('detail') or body.get('title')}"
    except ValueError:
        return f"HTTP {response.status_code}"


def ops_get(gateway: httpx.Client, token: str, service: str, path: str) -> ApiResult:
    try:
        response = gateway.get(f"/{service}/{API}/{path}", headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        return ApiResult(service, False, error=type(exc).__name__)
    if response.status_code != 200:
        return ApiResult(service, False, error=_problem(response))
    return ApiResult(service, True, response.json())


def ops_post(gateway: httpx.Client, token: str, service: str, path: str, body: dict[str, Any],
             timeout: float = 75.0) -> ApiResult:
    try:
        response = gateway.post(f"/{service}/{API}/{path}", json=body, timeout=timeout,
                                headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        return ApiResult(service, False, error=type(exc).__name__)
    if response.status_code != 200:
        return ApiResult(service, False, error=_problem(response))
    return ApiResult(service, True, response.json())


def every_service(stack: Stack, gateway: httpx.Client, token: str, path: str) -> list[ApiResult]:
    names = list(stack.registry.services)
    with ThreadPoolExecutor(max_workers=len(names) or 1) as pool:
        return list(pool.map(lambda name: ops_get(gateway, token, name, path), names))


# -- Prometheus (only with `up --with-metrics`) ---------------------------------------------
REQUEST_RATE = 'sum by (service) (rate(smart360_http_requests_total[1m]))'
P99 = ('histogram_quantile(0.99, sum by (le, service) '
       '(rate(smart360_http_request_duration_seconds_bucket[1m])))')


def prometheus_range(stack: Stack, query: str, minutes: int = 15, step: int = 15
                     ) -> dict[str, list[tuple[float, float]]] | None:
    """{service: [(time, value)]} of a range query, or None when Prometheus does not answer."""
    end = time.time()
    try:
        response = httpx.get(f"http://127.0.0.1:{stack.port('prometheus')}/api/v1/query_range",
                             params={"query": query, "start": end - minutes * 60, "end": end,
                                     "step": step}, timeout=5.0)
        result = response.json()["data"]["result"]
    except (httpx.HTTPError, ValueError, KeyError):
        return None
    found = {}
    for item in result:
        name = item["metric"].get("service", "?")
        points = [(float(t), float(v)) for t, v in item["values"] if v not in ("NaN", "+Inf", "-Inf")]
        if points:
            found[name] = points
    return found
