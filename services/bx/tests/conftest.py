"""bx's test world: a tenant's configuration and accounts, arriving as the events they are."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import bx.billing.tasks  # noqa: F401  (registered here so eager tests run what workers would)
from smart360.contracts import Event
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.mx import ReadingValidated
from smart360.contracts.onboarding import Tariff, TariffActivated, UtilityServiceCreated
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

SERVICE = 11
PLAN = 21
DOMAIN_TARIFF = {"kind": "slab", "fixed_charge": "15.00", "tax_rate": "0",
                 "slabs": [{"up_to": "300", "rate": "0.08"}, {"up_to": "600", "rate": "0.12"},
                           {"up_to": None, "rate": "0.16"}]}
CONNECTED = datetime(2026, 10, 31, 8, 0, tzinfo=UTC)


def send(*events: Event, tenant: uuid.UUID = TENANT) -> dict[str, int]:
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant) for e in events]]).get()
    return result


@dataclass
class World:
    tenant: uuid.UUID = TENANT
    accounts: list[str] = field(default_factory=list)
    readings: int = 0

    def service(self, service_id: int = SERVICE, unit: str = "kWh") -> None:
        send(UtilityServiceCreated(utility_service_id=service_id, code=f"svc{service_id}",
                                   name="Electricity", unit=unit, metered=True), tenant=self.tenant)

    def tariff(self, tariff: dict[str, Any] | None = None, *, plan: int = PLAN, version: int = 1,
               effective_from: date = date(2026, 1, 1), service_id: int = SERVICE) -> None:
        send(TariffActivated(plan_id=plan, version_id=plan * 100 + version, tariff_version=version,
                             utility_service_id=service_id, category_id=1,
                             effective_from=effective_from,
                             tariff=Tariff.model_validate(tariff or DOMAIN_TARIFF)), tenant=self.tenant)

    def account(self, number: str | None = None, *, plan: int = PLAN, service_id: int = SERVICE,
                connected_at: datetime = CONNECTED) -> str:
        number = number or f"ACC-{len(self.accounts) + 1:05d}"
        n = len(self.accounts) + 1
        send(ConnectionActivated(account_id=n, account_number=number, consumer_id=n,
                                 consumer_number=f"CUST-{n}", name=f"Consumer {n}",
                                 email=f"c{n}@example.com", utility_service_id=service_id,
                                 category_id=1, plan_id=plan, area_id=1, premise=f"{n} Main St",
                                 meter_serial=f"M-{n}", initial_reading=Decimal(0),
                                 connected_at=connected_at), tenant=self.tenant)
        self.accounts.append(number)
        return number

    def reading(self, account: str, consumption: str, *, at: datetime,
                bands: dict[str, Decimal] | None = None) -> ReadingValidated:
        self.readings += 1
        return ReadingValidated(
            reading_id=self.readings, account_number=account,
            meter_serial="M", read_at=at, value=Decimal(consumption), previous_value=Decimal(0),
            previous_read_at=CONNECTED, consumption=Decimal(consumption), status="PASS",
            bands=bands or {})

    def read(self, account: str, consumption: str, *, at: datetime = datetime(2026, 11, 30, 12, tzinfo=UTC),
             **kw: Any) -> None:
        send(self.reading(account, consumption, at=at, **kw), tenant=self.tenant)


@pytest.fixture
def world(db: Any) -> World:
    w = World()
    w.service()
    w.tariff()
    return w


@pytest.fixture
def admin(api: Any, tokens: Any) -> Any:
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
    return api
