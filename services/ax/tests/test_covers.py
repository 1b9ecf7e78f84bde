"""Maintenance contracts and insurance: coverage, money, state; the expiry reminders, once per
cover and window, as of any day (--as-of), set-based."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.conftest import published
from tests.factories import AssetFactory, InsurancePolicyFactory, MaintenanceContractFactory

from ax.covers.models import CoverReminder
from ax.covers.services import cover_reminders_send
from ax.covers.tasks import send_cover_reminders
from smart360.django.models import JobRun
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
API = "/ax/api/v1/"
DAY = date(2026, 11, 1)


def remind(as_of: date = DAY) -> dict[str, int]:
    return cover_reminders_send(as_of=as_of)


def test_a_contract_covers_assets_for_a_value(as_admin, as_other_tenant):
    pumps = [AssetFactory(), AssetFactory()]
    body = {"reference": "AMC-2026-01", "provider": "Acme Pumps", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "value": "12000.005", "assets": [p.pk for p in pumps],
            "notify_email": "assets@utility.test"}
    response = as_admin.post(f"{API}contracts/", body, format="json")
    assert response.status_code == 400  # three decimals: not money

    created = as_admin.post(f"{API}contracts/", {**body, "value": "12000.50"}, format="json")
    assert created.status_code == 201, created.content
    contract = created.json()
    assert (contract["value"], contract["assets"]) == ("12000.50", sorted(p.pk for p in pumps))
    by_asset = as_admin.get(f"{API}contracts/", {"asset": pumps[0].pk}).json()["results"]
    assert [c["id"] for c in by_asset] == [contract["id"]]
    assert as_admin.post(f"{API}contracts/", {**body, "value": "1.00"}, format="json").status_code == 409
    assert as_other_tenant.get(f"{API}contracts/{contract['id']}/").status_code == 404
    assert as_other_tenant.patch(f"{API}contracts/{contract['id']}/", {"provider": "x"},
                                 format="json").status_code == 404


def test_cover_refuses_foreign_assets_and_backwards_dates(as_admin):
    foreign = AssetFactory(tenant_id=OTHER_TENANT)
    body = {"policy_number": "POL-1", "provider": "Mutual", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "sum_insured": "250000.00", "premium": "1800.00",
            "assets": [foreign.pk]}
    assert as_admin.post(f"{API}insurance-policies/", body, format="json").status_code == 404
    mine = AssetFactory()
    backwards = {**body, "assets": [mine.pk], "ends_on": "2025-12-31"}
    assert as_admin.post(f"{API}insurance-policies/", backwards, format="json").status_code == 400
    ok = as_admin.post(f"{API}insurance-policies/", {**body, "assets": [mine.pk]}, format="json")
    assert ok.status_code == 201
    assert ok.json()["state"] in ("ACTIVE", "EXPIRED", "UPCOMING")


def test_state_and_expiring_filter(as_admin):
    from smart360.domain.tenants import tenant_today

    today = tenant_today(TENANT)
    MaintenanceContractFactory(reference="OLD", ends_on=today - timedelta(days=1))
    MaintenanceContractFactory(reference="SOON", ends_on=today + timedelta(days=10))
    MaintenanceContractFactory(reference="LATER", starts_on=today + timedelta(days=5),
                               ends_on=today + timedelta(days=400))
    states = {c["reference"]: c["state"] for c in as_admin.get(f"{API}contracts/").json()["results"]}
    assert states == {"OLD": "EXPIRED", "SOON": "ACTIVE", "LATER": "UPCOMING"}
    soon = as_admin.get(f"{API}contracts/", {"expiring_within": 30}).json()["results"]
    assert [c["reference"] for c in soon] == ["SOON"]


@pytest.mark.parametrize(("days_left", "window"),
                         [(-1, None), (0, 7), (7, 7), (8, 30), (30, 30), (31, None)])
def test_covers_ending_within_a_window_are_reminded(days_left, window):
    contract = MaintenanceContractFactory(ends_on=DAY + timedelta(days=days_left))

    assert remind() == {"contracts": int(window is not None), "insurance": 0}
    reminders = list(CoverReminder.objects.values_list("cover_id", "window_days"))
    assert reminders == ([(contract.pk, window)] if window else [])


def test_once_per_window_whatever_the_reruns(django_assert_num_queries):
    contract = MaintenanceContractFactory(ends_on=DAY + timedelta(days=20), reference="AMC-9")
    policy = InsurancePolicyFactory(ends_on=DAY + timedelta(days=5))

    assert remind() == {"contracts": 1, "insurance": 1}
    assert remind() == {"contracts": 0, "insurance": 0}  # the same day again
    assert remind(DAY + timedelta(days=3)) == {"contracts": 0, "insurance": 0}
    assert remind(DAY + timedelta(days=13)) == {"contracts": 1, "insurance": 0}  # the 7-day one
    assert remind(DAY + timedelta(days=14)) == {"contracts": 0, "insurance": 0}

    sent = published("ax.cover.expiring")
    assert [(e["kind"], e["cover_id"], e["days_left"]) for e in sent] == [
        ("contract", contract.pk, 20), ("insurance", policy.pk, 5), ("contract", contract.pk, 7)]
    assert sent[0]["name"] == "AMC-9"
    assert sent[0]["notify_email"] == "assets@utility.test"
    assert sent[0]["expires_on"] == str(contract.ends_on)


def test_an_extended_contract_is_reminded_again_near_its_new_end():
    contract = MaintenanceContractFactory(ends_on=DAY + timedelta(days=5))
    remind()
    contract.ends_on = DAY + timedelta(days=370)
    contract.save()
    assert remind(DAY + timedelta(days=350)) == {"contracts": 1, "insurance": 0}


def test_all_tenants_in_constant_queries(django_assert_max_num_queries):
    for n in range(20):
        MaintenanceContractFactory(ends_on=DAY + timedelta(days=n % 25),
                                   tenant_id=TENANT if n % 2 else OTHER_TENANT)
        InsurancePolicyFactory(ends_on=DAY + timedelta(days=n), tenant_id=TENANT)
    MaintenanceContractFactory(ends_on=DAY + timedelta(days=90))
    # per kind: the INSERT … RETURNING, the covers read, one COPY per tenant; no N+1
    with django_assert_max_num_queries(12):
        assert remind() == {"contracts": 20, "insurance": 20}
    assert len(published("ax.cover.expiring", tenant_id=OTHER_TENANT)) == 10


def test_the_job_runs_as_of_a_date_and_records_itself():
    MaintenanceContractFactory(ends_on=DAY + timedelta(days=3))

    assert send_cover_reminders.delay(as_of="2026-11-01").get() == {"contracts": 1, "insurance": 0}
    assert send_cover_reminders.delay(as_of="2026-11-01").get() == {"contracts": 0, "insurance": 0}
    run = JobRun.objects.get(name="ax.send_cover_reminders")
    assert (run.runs, run.last_as_of) == (2, DAY)


def test_without_as_of_each_tenant_uses_its_own_today(areas):
    from smart360.domain.tenants import tenant_today

    MaintenanceContractFactory(ends_on=tenant_today(TENANT) + timedelta(days=30))
    assert cover_reminders_send(as_of=None) == {"contracts": 1, "insurance": 0}
    assert CoverReminder.objects.get().sent_on == tenant_today(TENANT)

