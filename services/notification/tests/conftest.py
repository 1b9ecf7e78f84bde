"""notification's test world: contacts and accounts arrive as cx's events; sends run inline."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
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
