"""The local span store: finished spans in Redis, by request id, for an hour (`SMART360_TRACES=local`).

    smart360:traces:<request id>   a list of spans (JSON), oldest export first, at most MAX_SPANS
    smart360:traces:recent         request id -> time of its last span (a sorted set, RECENT kept)

Why Redis and not PostgreSQL: every process already holds a Redis connection (broker, cache) and
the console reads Redis already; spans are throwaway debugging data that should expire on their
own (a TTL, no purge job, no table in nine databases, no migrations); one pipelined write per
exported batch costs well under a millisecond. No OpenTelemetry here: the console imports this.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

PREFIX = "smart360:traces:"
RECENT = f"{PREFIX}recent"
TTL_SECONDS = 3600
MAX_SPANS = 2000  # per request id: a bill run handles thousands of events; the first ones tell
RECENT_KEPT = 200


def key(request_id: str) -> str:
    return f"{PREFIX}rid:{request_id}"


def write(client: redis.Redis, spans: Iterable[dict[str, Any]]) -> int:
    """Store spans (dicts with a "request_id"); spans without one are not kept. One round trip."""
    by_request: dict[str, list[str]] = {}
    for span in spans:
        rid = span.get("request_id") or ""
        if rid:
            by_request.setdefault(rid, []).append(json.dumps(span, default=str))
    if not by_request:
        return 0
    pipe = client.pipeline(transaction=False)
    now = time.time()
    for rid, encoded in by_request.items():
        pipe.rpush(key(rid), *encoded)
        pipe.ltrim(key(rid), 0, MAX_SPANS - 1)
        pipe.expire(key(rid), TTL_SECONDS)
        pipe.zadd(RECENT, {rid: now})
    pipe.zremrangebyrank(RECENT, 0, -(RECENT_KEPT + 1))
    pipe.expire(RECENT, TTL_SECONDS)
    pipe.execute()
    return sum(len(v) for v in by_request.values())


def spans_of(client: redis.Redis, request_id: str) -> list[dict[str, Any]]:
    """The stored spans of one request id, in start order."""
    raw: list[Any] = client.lrange(key(request_id), 0, -1)
    spans = [json.loads(item) for item in raw]
    return sorted(spans, key=lambda s: (s.get("start", 0), s.get("end", 0)))


@dataclass(frozen=True)
class Recent:
    request_id: str
    seen_at: float
    spans: int


def recent(client: redis.Redis, limit: int = 50) -> list[Recent]:
    """The request ids that had spans lately, newest first, with their span counts."""
    rows: list[Any] = client.zrevrange(RECENT, 0, limit - 1, withscores=True)
    if not rows:
        return []
    pipe = client.pipeline(transaction=False)
    for rid, _ in rows:
        pipe.llen(key(rid))
    counts = pipe.execute()
    return [Recent(str(rid), float(score), int(n)) for (rid, score), n in zip(rows, counts, strict=True)
            if n]


@dataclass
class Node:
    """A span in its trace's tree; `depth` for indentation."""

    span: dict[str, Any]
    depth: int


def tree(spans: Sequence[dict[str, Any]]) -> list[Node]:
    """Spans as a depth-first list: each under its parent, roots (or spans whose parent is not
    stored, e.g. another request's span) at depth 0, each level in start order."""
    ids = {s["span_id"] for s in spans}
    children: dict[str, list[dict[str, Any]]] = {}
    roots: list[dict[str, Any]] = []
    for span in spans:
        parent = span.get("parent_id") or ""
        if parent and parent in ids and parent != span["span_id"]:
            children.setdefault(parent, []).append(span)
        else:
            roots.append(span)
    ordered: list[Node] = []
    seen: set[str] = set()

    def visit(span: dict[str, Any], depth: int) -> None:
        if span["span_id"] in seen:  # a malformed store must not loop
            return
        seen.add(span["span_id"])
        ordered.append(Node(span, depth))
        for child in children.get(span["span_id"], []):
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return ordered
