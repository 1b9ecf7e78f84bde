"""A small HTTP server for /metrics in processes that have none of their own (workers, beats)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client.registry import Collector

from smart360.observability import metrics

log = logging.getLogger(__name__)


def _handler(extra: Sequence[Collector]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] not in ("/metrics", "/metrics/"):
                self.send_error(404)
                return
            body = metrics.exposition(extra)
            self.send_response(200)
            self.send_header("Content-Type", metrics.CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Scrapes every few seconds are not news."""

    return Handler


ADDRESS_ENV = "SMART360_METRICS_ADDRESS"  # loopback unless a task's scraper needs more


def serve_metrics(port: int, extra: Sequence[Collector]) -> ThreadingHTTPServer | None:
    """Serve /metrics on the port in a daemon thread. A busy port is logged, not fatal: a second
    beat of one service (a rolling restart's overlap) finds the first one's port taken."""
    address = os.environ.get(ADDRESS_ENV, "127.0.0.1")
    try:
        server = ThreadingHTTPServer((address, port), _handler(extra))
    except OSError as exc:
        log.warning("metrics server not started on port %s: %s", port, exc)
        return None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
