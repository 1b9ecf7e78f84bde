"""The service-to-service client: retries only what is safe, carries the request id."""

from __future__ import annotations

import httpx
import pytest

from smart360 import requestid
from smart360.http import ServiceClient, ServiceUnavailable


def client_with(responses: list[int], seen: list[httpx.Request]) -> ServiceClient:
    replies = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(replies), json={})

    return ServiceClient("mx", base_url="http://gateway", backoff=0,
                         transport=httpx.MockTransport(handler))


def test_get_is_retried_on_503_and_routed_under_the_prefix():
    seen: list[httpx.Request] = []
    response = client_with([503, 503, 200], seen).get("api/v1/meters/")
    assert response.status_code == 200
    assert [r.url.path for r in seen] == ["/mx/api/v1/meters/"] * 3


def test_post_without_idempotency_key_is_never_retried():
    seen: list[httpx.Request] = []
    response = client_with([503, 200], seen).post("api/v1/readings/", json={})
    assert response.status_code == 503
    assert len(seen) == 1


def test_post_with_idempotency_key_is_retried():
    seen: list[httpx.Request] = []
    client = client_with([502, 201], seen)
    assert client.post("api/v1/readings/", json={}, headers={"Idempotency-Key": "k1"}).status_code == 201
    assert len(seen) == 2


def test_after_the_last_retry_the_answer_is_returned_as_is():
    seen: list[httpx.Request] = []
    assert client_with([503, 503, 503], seen).get("x").status_code == 503
    assert len(seen) == 3


def test_an_unreachable_service_fails_with_a_clear_error():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = ServiceClient("mx", base_url="http://gateway", backoff=0,
                           transport=httpx.MockTransport(refuse))
    with pytest.raises(ServiceUnavailable, match="GET /mx/x failed after 3 attempt"):
        client.get("x")


def test_the_current_request_id_travels_with_the_call():
    seen: list[httpx.Request] = []
    requestid.set_current("rid-42")
    try:
        client_with([200], seen).get("x")
    finally:
        requestid.set_current("")
    assert seen[0].headers["X-Request-ID"] == "rid-42"
