"""notification's test world: contacts and accounts arrive as cx's events; sends run inline."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

import notification.messaging.tasks  # noqa: F401  (registered here so eager tests run them)
from smart360.contracts import Event
from smart360.contracts.bx import BillIssued
from smart360.contracts.cx import ConnectionActivated, ConsumerCreated
from smart360.events.inbox import Received
from smart360.events.tasks import deliver
from smart360.identity import service_accounts
from smart360.mail import inbox
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

OTHER = uuid.UUID("00000000-0000-0000-0000-0000000000b2")


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def sink(settings, tmp_path) -> Path:
    settings.NOTIFICATION_SINK_DIR = str(tmp_path / "sms")
    settings.NOTIFICATION_PUBLIC_URL = "https://utility.test"
    return tmp_path / "sms"


def sunk(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def send(*events: Event, tenant: uuid.UUID = TENANT) -> dict[str, int]:
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant) for e in events]]).get()
    return result


def received(event: Event, tenant: uuid.UUID = TENANT) -> Received[Event]:
    """For handlers of events whose publisher does not list them yet: call them directly."""
    return Received(event, str(uuid.uuid4()), tenant, datetime.now(UTC), "", "test")


def consumer(n: int = 1, **kw: Any) -> ConsumerCreated:
    body = {"consumer_id": n, "number": f"CUST-{n}", "name": f"Rita {n}",
            "email": f"rita{n}@example.com", "locale": "en", **kw}
    return ConsumerCreated(**body)


def activated(n: int = 1, **kw: Any) -> ConnectionActivated:
    body = {"account_id": n, "account_number": f"ACC-{n:05d}", "consumer_id": n,
            "consumer_number": f"CUST-{n}", "name": f"Rita {n}", "email": f"rita{n}@example.com",
            "phone": "", "locale": "en", "utility_service_id": 1, "category_id": 1, "plan_id": 7,
            "area_id": 3, "premise": f"{n} Main St", "meter_serial": f"M-{n}",
            "initial_reading": Decimal("0"), "connected_at": datetime(2026, 11, 1, tzinfo=UTC),
            **kw}
    return ConnectionActivated(**body)


def bill(n: int = 1, **kw: Any) -> BillIssued:
    body = {"bill_id": n, "number": f"BILL-{n}", "account_number": f"ACC-{n:05d}",
            "period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31),
            "issued_on": date(2026, 11, 1), "due_date": date(2026, 11, 15),
            "consumption": Decimal("850"), "subtotal": Decimal("115.00"), "tax": Decimal("0"),
            "total": Decimal("115.00"), "currency": "USD", "pdf_path": f"/bx/api/v1/bills/{n}/pdf/",
            **kw}
    return BillIssued(**body)


@pytest.fixture
def admin(api: Any, tokens: Any) -> Any:
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
    return api


# -- the real SMTP server, and a real HTTP server standing for the gateway (auth's token, bx's PDF)
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings, tmp_path):
    """The stack's dev SMTP server (smart360.mail.server) on a free port; yields its maildir."""
    port = _free_port()
    maildir = tmp_path / "mail"
    server = subprocess.Popen([sys.executable, "-m", "smart360.mail.server", "--host",
                               "127.0.0.1", "--port", str(port), "--maildir", str(maildir)],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    server.stdout.readline()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield maildir
    server.terminate()
    server.wait(timeout=10)


def mails_in(maildir: Path, count: int) -> list[inbox.Mail]:
    for _ in range(100):
        found = inbox.messages(maildir)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{len(inbox.messages(maildir))} of {count} mails arrived")


# A real one-page PDF is not needed here: what bx serves is compared byte for byte.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Gateway:
    """What the HTTP server answers (`mode`: ok, missing, down, slow) and what it was asked."""

    url: str
    mode: str = "ok"
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def gateway(settings, monkeypatch) -> Any:
    """auth's client-credentials token and bx's bill PDFs over real HTTP, on a free port; the
    service client finds it through SMART360_GATEWAY_URL like a deployed service (every test:
    bill mails fetch their PDF when sent)."""
    state = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, kind: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append((self.path, dict(self.headers)))
            if self.path == "/auth/api/v1/token/" and body["client_secret"] == "s3cret":
                token = {"access": "svc-token", "token_type": "Bearer", "expires_in": 300}
                self._answer(200, json.dumps(token).encode(), "application/json")
            else:
                self._answer(401, b"{}", "application/json")

        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers)))
            number = self.path.split("/")[-3]
            if state.mode == "slow":
                time.sleep(2)
            if state.mode == "down":
                self._answer(503, b"{}", "application/problem+json")
            elif state.mode == "missing" or not self.path.startswith("/bx/api/v1/bills/"):
                self._answer(404, b"{}", "application/problem+json")
            else:
                self._answer(200, PDF, "application/pdf",
                             Content_Disposition=f'inline; filename="BILL-{number}.pdf"')

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SMART360_GATEWAY_URL", state.url)
    monkeypatch.setenv("SMART360_CLIENT_SECRET", "s3cret")
    settings.NOTIFICATION_ATTACHMENT_TIMEOUT = 0.5
    service_accounts._cached.update(token="", expires=0.0)
    yield state
    service_accounts._cached.update(token="", expires=0.0)
    server.shutdown()
    server.server_close()
