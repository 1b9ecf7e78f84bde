"""One problem+json shape for every error, with field paths and never a traceback."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from smart360.errors import PROBLEM_JSON, ApplicationError, Conflict


class _Nested(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class _Input(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    lines = _Nested(many=True)


class _View(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    raise_: Exception | None = None

    def post(self, request):
        if self.raise_:
            raise self.raise_
        _Input(data=request.data).is_valid(raise_exception=True)
        return None


def call(data, exc=None, content_type="application/json", raw=None):
    factory = APIRequestFactory()
    if raw is not None:
        request = factory.generic("POST", "/x", raw, content_type=content_type)
    else:
        request = factory.post("/x", data, format="json")
    response = _View.as_view(raise_=exc)(request)
    response.render()
    return response


def test_field_errors_are_flattened_with_paths():
    response = call({"name": "too long", "lines": [{"amount": "1.00"}, {"amount": "x"}]})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.data
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"name", "lines[1].amount"}
    assert "name:" in body["detail"]


def test_malformed_json_is_a_400_problem():
    response = call(None, raw=b'{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.data["code"] == "parse_error"


def test_domain_errors_keep_their_status_and_code():
    response = call({}, exc=Conflict("bill already issued", code="bill_issued"))
    assert (response.status_code, response.data["code"]) == (409, "bill_issued")
    response = call({}, exc=ApplicationError("nope", extra={"limit": 3}))
    assert (response.status_code, response.data["limit"]) == (400, 3)


def test_an_unexpected_exception_is_a_500_problem_without_details():
    response = call({}, exc=RuntimeError("secret internals"))
    assert response.status_code == 500
    assert "secret" not in response.data["detail"]
    assert response["Content-Type"] == PROBLEM_JSON
