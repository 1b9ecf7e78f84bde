"""Documents a mail attaches, fetched at send time from the service that owns them (bx's bill
PDF): over HTTP through the gateway, as notification's service account acting in the
delivery's tenant, with a short timeout.

    with attachments.Fetcher() as fetcher:       # one per send session
        doc = fetcher.fetch(tenant_id, "/bx/api/v1/bills/7/pdf/")

- 200 → the document (bytes, type, the filename its owner gives);
- 404 → None: the document is not there (a voided bill): the mail goes with its link only;
- anything else (timeout, refused connection, 5xx, 401/403) → ProviderError(TRANSIENT): the
  delivery is retried with the provider's backoff, never sent without its attachment.
After one such failure a session's later fetches fail at once: a batch of 200 does not wait
200 timeouts of a service that is down. The HTTP clients live as long as the process (shared
by the send threads; httpx's pool is thread-safe): a client per session cost ~45 ms to build
(its TLS context), ~1 ms per mail of a batch.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from types import TracebackType

import httpx
from django.conf import settings

from notification.messaging.providers import TRANSIENT, Attachment, ProviderError
from smart360.env import MissingEnvironment
from smart360.http import ServiceUnavailable
from smart360.identity.authentication import TENANT_HEADER
from smart360.identity.service_accounts import AuthenticatedServiceClient
from smart360.logging import get_logger

log = get_logger(__name__)

_FILENAME = re.compile(r'filename="?([^";]+)"?')
_clients: dict[tuple[str, float, str], AuthenticatedServiceClient] = {}
_clients_lock = threading.Lock()


def _client(service: str, timeout: float) -> AuthenticatedServiceClient:
    key = (service, timeout, os.environ.get("SMART360_GATEWAY_URL", ""))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            # No retries here: the delivery's own backoff is the retry.
            client = _clients[key] = AuthenticatedServiceClient(service, timeout=timeout,
                                                                retries=0)
    return client


class Fetcher:
    """One session's fetches (kept-alive connections of the process's clients)."""

    def __init__(self, *, timeout: float | None = None) -> None:
        self.timeout = float(timeout if timeout is not None
                             else getattr(settings, "NOTIFICATION_ATTACHMENT_TIMEOUT", 10))
        self._down: dict[str, str] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._down.clear()

    def fetch(self, tenant_id: uuid.UUID, path: str) -> Attachment | None:
        service, _, rest = path.lstrip("/").partition("/")
        if service in self._down:
            raise ProviderError(f"attachment {path}: {self._down[service]} (earlier in this "
                                "batch)", kind=TRANSIENT)
        try:
            response = _client(service, self.timeout).get(
                rest, headers={TENANT_HEADER: str(tenant_id)})
        except (ServiceUnavailable, httpx.HTTPError, MissingEnvironment) as exc:
            raise self._failure(service, path, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            log.info("attachment_missing", path=path, tenant=str(tenant_id))
            return None
        if response.status_code != 200:
            raise self._failure(service, path, f"HTTP {response.status_code}")
        kind = response.headers.get("content-type", "application/octet-stream").split(";")[0]
        found = _FILENAME.search(response.headers.get("content-disposition", ""))
        name = found.group(1).strip() if found else "document.pdf"
        return Attachment(name, response.content, kind)

    def _failure(self, service: str, path: str, detail: str) -> ProviderError:
        self._down[service] = detail
        log.warning("attachment_fetch_failed", path=path, error=detail)
        return ProviderError(f"attachment {path}: {detail}", kind=TRANSIENT)
