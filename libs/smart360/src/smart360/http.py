"""The one way a service calls another: through the gateway, with timeouts, retries and the
request id. Services never import each other; they speak HTTP (or events).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx

from smart360 import env, requestid
from smart360.logging import get_logger

log = get_logger(__name__)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
# Set by tracing (smart360.observability.otel) when it is on: a client span around each call
# that adds the trace context to its headers; the span notes the "status". None: no cost.
outbound_span: Callable[[str, str, dict[str, str]], AbstractContextManager[dict[str, Any]]] | None = None


class ServiceUnavailable(RuntimeError):
    """The other service did not answer usefully after every retry."""


class ServiceClient:
    """Calls `/<service>/...` on the gateway. POSTs are retried only with an Idempotency-Key."""

    def __init__(
        self,
        service: str,
        *,
        base_url: str | None = None,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.service = service
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(
            base_url=base_url or env.optional("SMART360_GATEWAY_URL", "http://127.0.0.1:8000"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            transport=transport,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        method = method.upper()
        headers = {**kwargs.pop("headers", {})}
        headers.setdefault(requestid.HEADER, requestid.get() or requestid.new())
        retryable = method in IDEMPOTENT or "Idempotency-Key" in headers
        url = f"/{self.service}/{path.lstrip('/')}"
        if outbound_span is None:
            return self._send(method, url, headers, retryable, kwargs)
        with outbound_span(method, url, headers) as note:
            response = self._send(method, url, headers, retryable, kwargs)
            note["status"] = response.status_code
            return response

    def _send(self, method: str, url: str, headers: dict[str, str], retryable: bool,
              kwargs: dict[str, Any]) -> httpx.Response:
        attempts = 1 + (self.retries if retryable else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                failure: str = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code not in RETRY_STATUSES or attempt == attempts:
                    return response
                failure = f"HTTP {response.status_code}"
            log.warning("service_call_retry", target=self.service, url=url, attempt=attempt,
                        failure=failure)
            if attempt < attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise ServiceUnavailable(f"{method} {url} failed after {attempts} attempt(s): {failure}")

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self._http.close()
