"""ID formats: configured per entity, announced, previewed; numbers taken concurrently come out
with no duplicate and no gap."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from onboarding_testkit import API, events, post
from rest_framework.test import APIClient

from onboarding.organizations.models import Organization
from smart360.testing.factories import OTHER_TENANT, TENANT


@pytest.mark.django_db
def test_a_format_is_set_announced_and_previewed(as_admin):
    body = post(as_admin, "id-formats/", {"entity": "consumer", "prefix": "WA-CUST",
                                          "date_part": "YYYYMM", "padding": 4})
    assert body["entity"] == "consumer"
    assert events("onboarding.idformat.changed") == [
        {"entity": "consumer", "prefix": "WA-CUST", "date_part": "YYYYMM", "padding": 4}]
    assert as_admin.post(API + "id-formats/", {"entity": "consumer", "prefix": "X",
                                               "date_part": "", "padding": 3},
                         format="json").status_code == 409
    month = date.today().strftime("%Y%m")
    preview = as_admin.get(API + "id-formats/consumer/").json()
    assert preview["configured"] is True
    assert preview["next"] == f"WA-CUST-{month}-0001"
    assert as_admin.get(API + "id-formats/consumer/").json()["next"] == f"WA-CUST-{month}-0001"
    taken = post(as_admin, "id-formats/consumer/take/", {})
    assert taken["number"] == f"WA-CUST-{month}-0001"
    assert as_admin.get(API + "id-formats/consumer/").json()["next"] == f"WA-CUST-{month}-0002"

    changed = as_admin.put(API + "id-formats/consumer/", {"prefix": "CU", "date_part": "",
                                                          "padding": 6}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["next"] == "CU-000001"
    assert len(events("onboarding.idformat.changed")) == 2


@pytest.mark.django_db
def test_defaults_unknown_entities_and_bad_formats(as_admin, as_other_tenant):
    default = as_admin.get(API + "id-formats/account/").json()
    assert default["configured"] is False
    assert default["next"].startswith("ACC-")
    assert as_admin.get(API + "id-formats/spaceship/").status_code == 404
    for bad in ({"prefix": "wa cust", "date_part": "", "padding": 4},
                {"prefix": "", "date_part": "", "padding": 4},
                {"prefix": "A", "date_part": "YY", "padding": 4},
                {"prefix": "A", "date_part": "", "padding": 0}):
        assert as_admin.put(API + "id-formats/bill/", bad, format="json").status_code == 400, bad
    post(as_admin, "id-formats/", {"entity": "bill", "prefix": "B", "date_part": "", "padding": 3})
    assert as_other_tenant.get(API + "id-formats/").json()["results"] == []
    assert as_other_tenant.get(API + "id-formats/bill/").json()["configured"] is False


@pytest.mark.django_db
def test_a_retried_take_with_its_idempotency_key_gets_the_same_number(as_admin):
    first = post(as_admin, "id-formats/receipt/take/", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(as_admin, "id-formats/receipt/take/", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    other = post(as_admin, "id-formats/receipt/take/", {}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert first == again
    assert other["number"] != first["number"]


@pytest.mark.django_db(transaction=True)
def test_parallel_takes_get_no_duplicate_and_no_gap(tokens):
    """16 threads, each its own connection to PostgreSQL, take 5 numbers each at once."""
    import uuid

    Organization.objects.create(id=TENANT, name="Aqua", created_by=uuid.uuid4())
    Organization.objects.create(id=OTHER_TENANT, name="Other", created_by=uuid.uuid4())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
    assert client.put(API + "id-formats/work_order/", {"prefix": "WO", "date_part": "",
                                                       "padding": 4},
                      format="json").status_code == 200
    bearer = tokens.bearer(tenant=TENANT, roles=["admin"])
    start = threading.Barrier(16)
    taken: list[str] = []
    failures: list[object] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = APIClient()
        mine.credentials(HTTP_AUTHORIZATION=bearer)
        try:
            start.wait()
            for _ in range(5):
                response = mine.post(API + "id-formats/work_order/take/", {}, format="json")
                if response.status_code != 201:
                    failures.append(response.json())
                    continue
                with lock:
                    taken.append(response.json()["number"])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(taken) == len(set(taken)) == 80
    assert sorted(taken) == [f"WO-{n:04d}" for n in range(1, 81)]
