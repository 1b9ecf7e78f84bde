"""Events onboarding publishes: the utility's configuration, projected by the other services.

`Tariff` is the one definition of a tariff: onboarding validates and stores it, bx rates with it.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from smart360.contracts import Event, Part

TariffKind = Literal["flat", "slab", "fixed", "tou", "seasonal"]
NonNegative = Field(ge=0)


class Slab(Part):
    """Units up to `up_to` (inclusive, cumulative) at `rate`; the last slab has up_to None."""

    up_to: Decimal | None
    rate: Decimal = NonNegative


class Season(Part):
    """A rate (flat) or slabs that apply in the listed months (1-12)."""

    name: str
    months: list[int]
    rate: Decimal | None = None
    slabs: list[Slab] = []


class TouBand(Part):
    """A time-of-use band: consumption read in [start, end) local time at `rate`."""

    name: str
    start: time
    end: time
    rate: Decimal = NonNegative


class Charge(Part):
    """An additional charge: a fixed amount, per unit consumed, or a percent of energy."""

    name: str
    kind: Literal["fixed", "per_unit", "percent"]
    amount: Decimal = NonNegative


class Tariff(Part):
    kind: TariffKind
    fixed_charge: Decimal = Field(default=Decimal("0"), ge=0)
    rate: Decimal | None = None
    slabs: list[Slab] = []
    seasons: list[Season] = []
    tou: list[TouBand] = []
    additional_charges: list[Charge] = []
    tax_rate: Decimal = Field(default=Decimal("0"), ge=0)


class OrganizationCreated(Event, type="onboarding.organization.created"):
    organization_id: UUID
    name: str
    currency: str
    timezone: str
    date_format: str = "YYYY-MM-DD"
    created_by: UUID


class OrganizationUpdated(Event, type="onboarding.organization.updated"):
    organization_id: UUID
    name: str
    currency: str
    timezone: str
    date_format: str


class UtilityServiceCreated(Event, type="onboarding.service.created"):
    utility_service_id: int
    code: str
    name: str
    unit: str
    metered: bool


class AreaCreated(Event, type="onboarding.area.created"):
    area_id: int
    name: str
    kind: str
    parent_id: int | None
    path: str


class CategoryCreated(Event, type="onboarding.category.created"):
    category_id: int
    name: str
    utility_service_id: int
    parent_id: int | None


class PlanCreated(Event, type="onboarding.plan.created"):
    plan_id: int
    name: str
    utility_service_id: int
    category_id: int


class TariffActivated(Event, type="onboarding.tariff.activated"):
    """A plan's tariff version took effect (beat, on its effective date in the tenant's zone)."""

    plan_id: int
    version_id: int
    tariff_version: int
    utility_service_id: int
    category_id: int
    effective_from: date
    tariff: Tariff


class IdFormatChanged(Event, type="onboarding.idformat.changed"):
    """How a tenant numbers one kind of document: prefix + date part + zero-padded sequence."""

    entity: str  # account, consumer, application, bill, receipt, work_order, ...
    prefix: str
    date_part: Literal["", "YYYY", "YYYYMM", "YYYYMMDD"]
    padding: int
