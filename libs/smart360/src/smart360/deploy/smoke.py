"""Smoke test through the load balancer: every service's /readyz answers 200."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from smart360.registry import Registry


def smoke(
    registry: Registry, base_url: str, *, attempts: int = 5, wait_seconds: float = 3.0,
    client: httpx.Client | None = None, sleep: Callable[[float], None] | None = None,
) -> list[tuple[str, int | None, str]]:
    """(service, status or None, detail) per service, retrying a few times (a fresh deploy
    may still be registering targets)."""
    import time

    sleep = sleep or time.sleep
    http = client or httpx.Client(base_url=base_url, timeout=5.0, follow_redirects=False)
    results = []
    for svc in registry.services.values():
        status: int | None = None
        detail = ""
        for attempt in range(attempts):
            try:
                response = http.get(f"{base_url.rstrip('/')}{svc.ready_path}")
                status, detail = response.status_code, response.text[:200]
            except httpx.HTTPError as exc:
                status, detail = None, f"{type(exc).__name__}: {exc}"
            if status == 200:
                break
            if attempt + 1 < attempts:
                sleep(wait_seconds)
        results.append((svc.name, status, detail))
    return results
