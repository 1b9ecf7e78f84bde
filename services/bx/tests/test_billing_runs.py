"""Bill runs through the API and the pipeline: FLOW-API §3, exactly once, exceptions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.conftest import PLAN, SERVICE, World

from bx.billing import engine, pipeline
from bx.billing.models import Bill, BillException, BillLine, BillRun
from smart360.events.models import OutboxEvent
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
RUNS = "/bx/api/v1/bill-runs/"
BILLS = "/bx/api/v1/bills/"
NOV = {"utility_service": SERVICE, "period_start": "2026-11-01", "period_end": "2026-11-30"}


def start(admin, body=None, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
    return admin.post(RUNS, {**NOV, **(body or {})}, format="json", **headers, **extra)


def run_to_draft(admin, body=None) -> dict:
    created = start(admin, body)
    assert created.status_code == 202, created.content
    assert created.json()["status"] == "QUEUED"
    pipeline.advance(created.json()["id"])
    return admin.get(f"{RUNS}{created.json()['id']}/").json()


def test_the_worked_example_from_reading_to_issued_bill(admin, world, django_capture_on_commit_callbacks):
    number = world.account()
    world.read(number, "850")

    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (eagerly)
        created = start(admin)
    run = admin.get(f"{RUNS}{created.json()['id']}/").json()
    assert run["status"] == "DRAFT"
    assert (run["accounts"], run["billed"], run["exceptions"], run["total"]) == (1, 1, 0, "115.00")

    assert admin.post(f"{RUNS}{run['id']}/approve/").json()["status"] == "APPROVED"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{RUNS}{run['id']}/issue/").json()["status"] == "ISSUING"
    assert admin.get(f"{RUNS}{run['id']}/").json()["status"] == "ISSUED"

    (bill,) = admin.get(BILLS, {"account": number}).json()["results"]
    assert bill["status"] == "ISSUED"
    assert bill["number"] == f"BILL-{date.today():%Y%m}-000001"
    assert (bill["period_start"], bill["period_end"], bill["consumption"]) == (
        "2026-11-01", "2026-11-30", "850.000")
    assert [(x["description"], x["quantity"], x["rate"], x["amount"]) for x in bill["lines"]] == [
        ("Energy 0-300 kWh", "300.000", "0.080000", "24.00"),
        ("Energy 301-600 kWh", "300.000", "0.120000", "36.00"),
        ("Energy 601+ kWh", "250.000", "0.160000", "40.00"),
        ("Fixed charge", "1.000", "15.000000", "15.00")]
    assert (bill["subtotal"], bill["tax"], bill["total"]) == ("115.00", "0.00", "115.00")
    assert bill["due_date"] == str(date.fromisoformat(bill["issued_on"]).toordinal() and
                                   date.fromordinal(date.fromisoformat(bill["issued_on"]).toordinal() + 15))

    (event,) = OutboxEvent.objects.filter(type="bx.bill.issued")
    assert event.tenant_id == TENANT
    assert event.payload | {"issued_on": None, "due_date": None} == {
        "bill_id": bill["id"], "number": bill["number"], "account_number": number,
        "period_start": "2026-11-01", "period_end": "2026-11-30", "issued_on": None, "due_date": None,
        "consumption": "850.000", "subtotal": "115.00", "tax": "0.00", "total": "115.00",
        "currency": "USD", "pdf_path": f"/bx/api/v1/bills/{bill['id']}/pdf/"}


def test_a_bill_run_bills_every_account_once_in_chunks(admin, world):
    numbers = [world.account() for _ in range(7)]
    for i, n in enumerate(numbers):
        world.read(n, str(100 * (i + 1)))
    run_id = start(admin).json()["id"]

    assert pipeline.advance(run_id, chunk=3) == "DRAFT"  # three chunks: 3 + 3 + 1
    assert pipeline.advance(run_id, chunk=3) == "DRAFT"  # again: nothing more

    run = BillRun.objects.get(pk=run_id)
    last = run.bills.order_by("-account_id")[0].account_id
    assert (run.accounts, run.billed, run.checkpoint) == (7, 7, last)
    assert sorted(Bill.objects.filter(run=run).values_list("account_number", flat=True)) == numbers
    assert run.total == sum(b.total for b in Bill.objects.filter(run=run))


def test_a_worker_killed_mid_run_resumes_and_bills_each_account_exactly_once(admin, world, monkeypatch):
    numbers = [world.account() for _ in range(10)]
    for n in numbers:
        world.read(n, "120")
    run_id = start(admin).json()["id"]
    real_write = engine.write
    calls = {"n": 0}

    class Killed(BaseException):  # like SIGKILL: no `except Exception` runs, nothing is marked
        pass

    def dies_in_the_third_chunk(**kwargs):
        calls["n"] += 1
        ids = real_write(**kwargs)  # the third chunk's bills are written ... and rolled back
        if calls["n"] == 3:
            raise Killed
        return ids

    monkeypatch.setattr(engine, "write", dies_in_the_third_chunk)
    with pytest.raises(Killed):
        pipeline.advance(run_id, chunk=3)
    run = BillRun.objects.get(pk=run_id)
    assert (run.status, run.billed) == ("RUNNING", 6)
    assert Bill.objects.filter(run=run).count() == 6  # the killed chunk left nothing

    monkeypatch.setattr(engine, "write", real_write)
    later = datetime.now(UTC) + pipeline.STALL * 2
    assert pipeline.resume_stalled(now=later) == 1  # the sweep finds it ...
    assert pipeline.advance(run_id, chunk=3) == "DRAFT"  # ... and the run continues

    billed = list(Bill.objects.filter(run_id=run_id).values_list("account_number", flat=True))
    assert sorted(billed) == numbers  # each exactly once
    assert BillRun.objects.get(pk=run_id).billed == 10
    assert BillLine.objects.filter(bill__run_id=run_id).count() == 10 * 2  # 120 kWh: a tier + fixed


def test_a_second_live_run_for_the_period_is_a_409_and_no_account_is_billed_twice(admin, world):
    number = world.account()
    world.read(number, "850")
    first = run_to_draft(admin)
    again = start(admin)
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    dry = run_to_draft(admin, {"dry_run": True})  # a simulation sees the bill already made
    assert (dry["accounts"], dry["billed"]) == (0, 0)
    assert Bill.objects.filter(account__number=number, simulated=False).count() == 1
    assert first["billed"] == 1


def test_the_same_idempotency_key_answers_the_same_run(admin, world):
    key = str(uuid.uuid4())
    first = start(admin, key=key)
    again = start(admin, key=key)
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert BillRun.objects.count() == 1
    assert start(admin, {"dry_run": True}, key=key).status_code == 422


@pytest.mark.parametrize(
    ("body", "status"),
    [({"period_end": "2026-10-01"}, 400), ({"period_end": "2028-01-01"}, 400),
     ({"utility_service": 999}, 404), ({"utility_service": "11"}, 400),
     ({"tariff_change": {"plan": PLAN, "tariff": {"kind": "flat", "rate": "0.1"}}}, 400),
     ({"dry_run": True, "tariff_change": {"plan": 999, "tariff": {"kind": "flat", "rate": "0.1"}}}, 404),
     ({"dry_run": True, "tariff_change": {"plan": PLAN, "tariff": {"kind": "flat"}}}, 400)],
)
def test_bad_runs_are_refused_and_nothing_is_written(admin, world, body, status):
    response = start(admin, body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert BillRun.objects.count() == 0


def test_exceptions_hold_back_or_flag_accounts(admin, world):
    missing, negative, zero, outlier, normal = (world.account() for _ in range(5))
    world.tariff(plan=99)
    no_tariff = world.account(plan=98)
    world.read(negative, "-5")
    world.read(zero, "0")
    world.read(no_tariff, "10")
    world.read(normal, "100")
    for month in range(1, 11):  # a year of ~100 kWh, then 900
        world.read(outlier, "100", at=datetime(2026, month, 15, tzinfo=UTC))
    world.read(outlier, "900")

    run = run_to_draft(admin)
    assert (run["accounts"], run["billed"], run["exceptions"]) == (6, 3, 5)
    kinds = dict(BillException.objects.values_list("account_number", "kind"))
    assert kinds == {missing: "MISSING_READING", negative: "NEGATIVE_CONSUMPTION",
                     zero: "ZERO_CONSUMPTION", outlier: "OUTLIER", no_tariff: "NO_TARIFF"}
    assert set(Bill.objects.values_list("account_number", flat=True)) == {zero, outlier, normal}
    listed = admin.get(f"{RUNS}{run['id']}/exceptions/", {"kind": "OUTLIER"}).json()["results"]
    assert [(e["account"], e["billed"]) for e in listed] == [(outlier, True)]


def test_a_version_change_mid_period_is_prorated_in_the_run(admin, world):
    number = world.account()
    world.read(number, "900")
    world.tariff({"kind": "slab", "fixed_charge": "20.00", "tax_rate": "0.10",
                  "slabs": [{"up_to": "300", "rate": "0.10"}, {"up_to": None, "rate": "0.20"}]},
                 version=2, effective_from=date(2026, 11, 21))
    run = run_to_draft(admin)
    assert run["total"] == "144.34"  # see test_billing_rating: 138.67 + 5.67 tax


def test_a_tariff_change_simulation_diffs_each_account(admin, world):
    a, b = world.account(), world.account()
    world.read(a, "850")
    world.read(b, "100")
    change = {"plan": PLAN, "tariff": {"kind": "flat", "rate": "0.10", "fixed_charge": "15.00"}}
    run = run_to_draft(admin, {"dry_run": True, "tariff_change": change})
    assert (run["total"], run["baseline_total"], run["proposed_plan"]) == ("125.00", "138.00", PLAN)
    bills = admin.get(BILLS, {"run": run["id"]}).json()["results"]
    diff = {x["account"]: (x["baseline_total"], x["total"], x["simulated"]) for x in bills}
    assert diff == {a: ("115.00", "100.00", True), b: ("23.00", "25.00", True)}
    assert admin.post(f"{RUNS}{run['id']}/approve/").status_code == 409  # a simulation
    assert admin.get(BILLS).json()["results"] == []  # simulated bills are not bills


def test_illegal_moves_are_409s_naming_the_allowed_ones(admin, world):
    world.read(world.account(), "10")
    run = run_to_draft(admin)
    issue = admin.post(f"{RUNS}{run['id']}/issue/")
    assert issue.status_code == 409
    assert issue.json()["allowed"] == ["APPROVED"]
    assert OutboxEvent.objects.count() == 0


def test_a_broken_run_fails_and_leaves_no_drafts(admin, world, monkeypatch):
    for _ in range(4):
        world.read(world.account(), "10")
    run_id = start(admin).json()["id"]
    real = engine.write
    calls = {"n": 0}

    def breaks_in_chunk_two(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(engine, "write", breaks_in_chunk_two)
    with pytest.raises(RuntimeError):
        pipeline.advance(run_id, chunk=2)
    run = BillRun.objects.get(pk=run_id)
    assert (run.status, run.error) == ("FAILED", "RuntimeError: disk full")
    assert Bill.objects.filter(run_id=run_id).count() == 0
    monkeypatch.setattr(engine, "write", real)
    assert run_to_draft(admin)["billed"] == 4  # a failed run does not block a new one


def test_another_tenants_run_is_a_404(admin, world):
    theirs = BillRun.objects.create(tenant_id=OTHER_TENANT, utility_service_id=SERVICE,
                                    period_start=date(2026, 11, 1), period_end=date(2026, 11, 30))
    for path in ("", "exceptions/"):
        assert admin.get(f"{RUNS}{theirs.pk}/{path}").status_code == 404
    assert admin.post(f"{RUNS}{theirs.pk}/approve/").status_code == 404
    assert admin.get(RUNS).json()["results"] == []


def test_runs_from_one_tenant_never_bill_anothers_accounts(admin, world):
    other = World(tenant=OTHER_TENANT)
    other.service()
    other.tariff()
    other.read(other.account(), "850")
    world.read(world.account(), "850")
    run = run_to_draft(admin)
    assert run["billed"] == 1
    assert Bill.objects.get().tenant_id == TENANT


def test_a_clerk_without_billing_rights_cannot_start_a_run(api, tokens, world):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, perms=["*.read"]))
    assert start(api).status_code == 403


def test_list_of_runs_is_one_query(admin, world, django_assert_max_num_queries):
    for month in range(1, 6):
        BillRun.objects.create(tenant_id=TENANT, utility_service_id=SERVICE,
                               period_start=date(2026, month, 1), period_end=date(2026, month, 28))
    with django_assert_max_num_queries(1):
        assert len(admin.get(RUNS).json()["results"]) == 5


def test_amounts_are_decimal_strings(admin, world):
    world.read(world.account(), "333.333")
    run = run_to_draft(admin)
    assert isinstance(run["total"], str)
    assert Decimal(run["total"]) == Decimal("43.00")  # 24.00 + 33.333 x 0.12 = 4.00, + 15.00
