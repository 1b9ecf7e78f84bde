"""The Django cache speaks JSON, not pickle: a value read back from Redis is data, never code.

Django's Redis cache unpickles what it reads, so anyone able to write to the shared Redis could
run code in every service. What the platform caches (JWKS documents, throttle histories, small
dicts) is JSON; a value that is not is refused when written.
"""

from __future__ import annotations

import json
from typing import Any


class JSONSerializer:
    """Django's RedisSerializer contract: ints stay plain (so incr/decr work), the rest JSON."""

    def dumps(self, obj: Any) -> bytes | int:
        if type(obj) is int:
            return obj
        return json.dumps(obj, separators=(",", ":")).encode()

    def loads(self, data: bytes | int) -> Any:
        if isinstance(data, int):
            return data
        try:
            return int(data)
        except ValueError:
            return json.loads(data)
