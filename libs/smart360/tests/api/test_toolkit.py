"""The API toolkit, driven through the demo service's widget endpoints."""

from __future__ import annotations

import uuid

import pytest
from demoapp.models import Widget
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.response import Response

from smart360.api import TenantView

pytestmark = pytest.mark.django_db
URL = "/demo/api/v1/widgets/"
TENANT = uuid.uuid4()


@pytest.fixture
def admin(api, tokens):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, perms=["*"]))
    return api


def test_a_tenant_view_without_a_module_is_refused_when_defined():
    with pytest.raises(ImproperlyConfigured, match="without a permission module"):
        class Open(TenantView):
            def get(self, request: Request) -> Response:
                return Response({})


def test_a_module_the_registry_does_not_list_is_refused_at_start_up():
    class Stray(TenantView):
        module = "demo.gadgets"

        def get(self, request: Request) -> Response:
            return Response({})

    with pytest.raises(ImproperlyConfigured, match="not one of demo's modules"):
        Stray.as_view()


@pytest.mark.parametrize(("perms", "method", "status"), [
    (["demo.widgets.read"], "get", 200),
    (["demo.widgets.read"], "post", 403),
    (["*.read"], "get", 200),
    (["demo.*"], "post", 201),
    (["cx.*"], "get", 403),
])
def test_module_permissions_read_and_write(api, tokens, perms, method, status):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, perms=perms))
    response = getattr(api, method)(URL, {"name": "w", "price": "1.00"}, format="json")
    assert response.status_code == status, response.content


def test_a_token_without_a_tenant_gets_403_and_none_401(api, tokens):
    assert api.get(URL).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=None, perms=["*"]))
    response = api.get(URL)
    assert response.status_code == 403
    assert "tenant" in response.json()["detail"]


def test_another_tenants_row_is_a_404(admin):
    other = Widget.objects.create(tenant_id=uuid.uuid4(), name="theirs")
    assert admin.get(f"{URL}{other.pk}/").status_code == 404
    mine = Widget.objects.create(tenant_id=TENANT, name="mine")
    assert admin.get(f"{URL}{mine.pk}/").json()["name"] == "mine"


def test_keyset_pages_walk_forward_and_back_without_gaps(admin):
    Widget.objects.bulk_create([Widget(tenant_id=TENANT, name=f"w{i}") for i in range(7)])
    Widget.objects.create(tenant_id=uuid.uuid4(), name="not mine")
    first = admin.get(URL, {"limit": 3}).json()
    assert first["previous"] is None
    second = admin.get(first["next"]).json()
    third = admin.get(second["next"]).json()
    assert third["next"] is None
    names = [w["name"] for page in (first, second, third) for w in page["results"]]
    assert names == [f"w{i}" for i in range(6, -1, -1)]  # newest first, each once
    back = admin.get(third["previous"]).json()
    assert [w["name"] for w in back["results"]] == [w["name"] for w in second["results"]]


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "null"}, {"limit": "201"},
                                   {"cursor": "x1"}, {"cursor": "n1.5"}, {"status": "BOGUS"}])
def test_bad_query_parameters_are_a_400_problem(admin, query):
    response = admin.get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_filters_narrow_the_list(admin):
    Widget.objects.create(tenant_id=TENANT, name="a", status="ACTIVE")
    Widget.objects.create(tenant_id=TENANT, name="b")
    assert [w["name"] for w in admin.get(URL, {"status": "ACTIVE"}).json()["results"]] == ["a"]


def test_the_list_does_not_query_per_row(admin, django_assert_num_queries):
    Widget.objects.bulk_create([Widget(tenant_id=TENANT, name=f"w{i}") for i in range(40)])
    with django_assert_num_queries(1):
        assert len(admin.get(URL).json()["results"]) == 40


def test_same_idempotency_key_same_body_is_done_once(admin):
    key = {"HTTP_IDEMPOTENCY_KEY": "order-17"}
    first = admin.post(URL, {"name": "w", "price": "9.50"}, format="json", **key)
    again = admin.post(URL, {"name": "w", "price": "9.50"}, format="json", **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Widget.objects.filter(tenant_id=TENANT).count() == 1


def test_same_idempotency_key_different_body_is_a_422(admin):
    key = {"HTTP_IDEMPOTENCY_KEY": "order-18"}
    admin.post(URL, {"name": "w", "price": "1.00"}, format="json", **key)
    response = admin.post(URL, {"name": "w", "price": "2.00"}, format="json", **key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Widget.objects.filter(tenant_id=TENANT).count() == 1


def test_idempotency_keys_belong_to_one_tenant(admin, api, tokens):
    body = {"name": "w", "price": "1.00"}
    admin.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), perms=["*"]))
    assert api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert Widget.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(admin):
    key = {"HTTP_IDEMPOTENCY_KEY": "k2"}
    assert admin.post(URL, {"name": "w", "price": "-1"}, format="json", **key).status_code == 400
    assert admin.post(URL, {"name": "w", "price": "-1"}, format="json", **key).status_code == 400
    assert admin.post(URL, {"name": "w", "price": "1"}, format="json", **key).status_code == 201


def test_an_illegal_transition_is_a_409_naming_the_allowed_moves(admin):
    widget = Widget.objects.create(tenant_id=TENANT, name="w", status="RETIRED")
    response = admin.post(f"{URL}{widget.pk}/activate/")
    assert response.status_code == 409
    body = response.json()
    assert (body["current"], body["requested"], body["allowed"]) == ("RETIRED", "ACTIVE", [])
    draft = Widget.objects.create(tenant_id=TENANT, name="d")
    assert admin.post(f"{URL}{draft.pk}/activate/").json()["status"] == "ACTIVE"
    again = admin.post(f"{URL}{draft.pk}/activate/").json()
    assert again["allowed"] == ["RETIRED"]
    assert "ACTIVE" in again["detail"]


def test_the_schema_documents_every_status_and_the_problem_type(api):
    schema = api.get("/demo/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/demo/api/v1/widgets/"]["post"]
    assert set(post["responses"]) == {"201", "400", "401", "403", "404", "409", "415", "422"}
    assert "application/problem+json" in post["responses"]["409"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    get = schema["paths"]["/demo/api/v1/widgets/"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"limit", "cursor", "status"} <= names
    page = schema["components"]["schemas"]["WidgetOutputPage"]["properties"]
    assert page["next"]["nullable"] is True
