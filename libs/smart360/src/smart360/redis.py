"""One Redis connection pool per process (broker, beat lock, heartbeats, cache share a server)."""

from __future__ import annotations

from functools import cache

import redis

from smart360 import env


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(
        env.redis_url(), socket_timeout=2, socket_connect_timeout=2, decode_responses=True
    )
