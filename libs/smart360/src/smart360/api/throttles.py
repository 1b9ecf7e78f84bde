"""Throttles beyond DRF's per-client scopes: per email address asked about.

A login or reset for one address from many clients (a botnet, a shared NAT) is limited per
address as well as per client address, so neither lever alone lets a guesser through.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class PerEmailThrottle(SimpleRateThrottle):
    scope = "per_email"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = request.data.get("email") if isinstance(request.data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None  # nothing to count against; the per-client throttle still applies
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}
