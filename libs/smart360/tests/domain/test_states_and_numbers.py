"""State machines, money and document numbers."""

from __future__ import annotations

import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from smart360.domain.models import IdFormat
from smart360.domain.money import money
from smart360.domain.numbering import Format, number_take, numbers_take
from smart360.domain.states import StateMachine
from smart360.errors import Conflict

pytestmark = pytest.mark.django_db
ACC = Format("ACC", "YYYYMM", 4)


def test_a_machine_names_the_moves_it_allows():
    m = StateMachine("consumer", {"CREATED": ("APPROVED",), "APPROVED": ("CONNECTED",)})
    m.check("CREATED", "APPROVED")
    with pytest.raises(Conflict) as refused:
        m.check("CREATED", "CONNECTED")
    assert refused.value.extra["allowed"] == ["APPROVED"]
    assert m.allowed("CONNECTED") == ()


@pytest.mark.parametrize(("value", "rounded"), [("0.005", "0.01"), ("2.675", "2.68"),
                                                ("-0.005", "-0.01"), ("100", "100.00")])
def test_one_rounding_rule_half_up_to_cents(value, rounded):
    assert money(value) == Decimal(rounded)
    with pytest.raises(TypeError):
        money(0.1)


def test_numbers_follow_the_tenants_format_and_restart_each_period():
    tenant = uuid.uuid4()
    assert number_take(tenant_id=tenant, entity="account", on=date(2024, 9, 3), default=ACC) == \
        "ACC-202409-0001"
    IdFormat.objects.create(tenant_id=tenant, entity="account", prefix="WA-CUST",
                            date_part="YYYYMM", padding=4)
    assert number_take(tenant_id=tenant, entity="account", on=date(2024, 9, 4), default=ACC) == \
        "WA-CUST-202409-0002"
    assert number_take(tenant_id=tenant, entity="account", on=date(2024, 10, 1), default=ACC) == \
        "WA-CUST-202410-0001"
    assert numbers_take(tenant_id=tenant, entity="bill", on=date(2024, 10, 1), count=3,
                        default=Format("BILL", "", 6)) == ["BILL-000001", "BILL-000002",
                                                           "BILL-000003"]


def test_a_rolled_back_number_is_reused_no_gap():
    tenant = uuid.uuid4()
    def failing_application() -> None:
        with transaction.atomic():
            number_take(tenant_id=tenant, entity="app", on=date(2026, 1, 1), default=ACC)
            raise RuntimeError("the application failed")

    with pytest.raises(RuntimeError):
        failing_application()
    assert number_take(tenant_id=tenant, entity="app", on=date(2026, 1, 1), default=ACC) == \
        "ACC-202601-0001"


@pytest.mark.django_db(transaction=True)
def test_parallel_takers_get_no_duplicate_and_no_gap():
    tenant = uuid.uuid4()
    taken: list[str] = []

    def take() -> None:
        try:
            for _ in range(10):
                with transaction.atomic():
                    taken.append(number_take(tenant_id=tenant, entity="acc", on=date(2026, 5, 1),
                                             default=ACC))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(taken) == [f"ACC-202605-{n:04d}" for n in range(1, 61)]
