"""rx's test world: accounts and bills arriving as the events they are, an admin client."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

import rx.collections.tasks  # noqa: F401  (registered so eager tests run what workers would)
from smart360.contracts import Event
from smart360.contracts.bx import BillIssued, BillVoided
from smart360.contracts.cx import ConnectionActivated
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

API = "/rx/api/v1/"
_bill_ids = iter(range(1, 10**9))


def send(*events: Event, tenant: uuid.UUID = TENANT) -> dict[str, int]:
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant) for e in events]]).get()
    return result


def connection(number: str, n: int = 1) -> ConnectionActivated:
    return ConnectionActivated(
        account_id=n, account_number=number, consumer_id=n, consumer_number=f"CUST-{n}",
        name=f"Consumer {n}", email=f"c{n}@example.com", phone="+15550100", utility_service_id=1,
        category_id=1, plan_id=1, area_id=1, premise="1 Main St", meter_serial=f"M-{n}",
        initial_reading=Decimal(0), connected_at=datetime(2026, 1, 1, 8, tzinfo=UTC))


def bill(account: str, total: str, *, issued_on: date = date(2026, 1, 31), due_days: int = 15,
         number: str | None = None) -> BillIssued:
    n = next(_bill_ids)
    return BillIssued(
        bill_id=n, number=number or f"BILL-{issued_on:%Y%m}-{n:06d}", account_number=account,
        period_start=issued_on.replace(day=1), period_end=issued_on, issued_on=issued_on,
        due_date=issued_on + timedelta(days=due_days), consumption=Decimal("100.000"),
        subtotal=Decimal(total), tax=Decimal(0), total=Decimal(total), currency="USD",
        pdf_path=f"/bx/api/v1/bills/{n}/pdf/")


def void(issued: BillIssued, reason: str = "misread") -> BillVoided:
    return BillVoided(bill_id=issued.bill_id, number=issued.number, account_number=issued.account_number,
                      credit_amount=issued.total, reason=reason,
                      voided_at=datetime(2026, 2, 1, 9, tzinfo=UTC))


@pytest.fixture
def admin(api: Any, tokens: Any) -> Any:
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
    return api


@pytest.fixture
def other(api: Any, tokens: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), roles=["admin"]))
    return client


def pay(client: Any, account: str, amount: str, *, key: str | None = None, **extra: Any) -> Any:
    return client.post(f"{API}payments/", {"account": account, "amount": amount, "method": "cash",
                                           "reference": "counter", **extra},
                       format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))
