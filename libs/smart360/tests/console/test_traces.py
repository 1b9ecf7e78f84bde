"""The console's traces view: the spans of one request id, read from the local span store in the
real Redis the tests use, written there by the same exporter `SMART360_TRACES=local` installs."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from console_wsgi import call, token

from smart360 import requestid
from smart360.console.app import Console
from smart360.observability import otel, tracing
from smart360.redis import redis_client
from smart360.registry import parse
from smart360.stack.layout import Stack

REPO = Path(__file__).resolve().parents[4]


def whoami(request: httpx.Request) -> httpx.Response:
    """auth's whoami, the one call the console makes to sign an operator in."""
    if request.url.path == "/auth/api/v1/whoami/":
        return httpx.Response(200, json={"email": "ops@example.com", "roles": ["ops"]})
    return httpx.Response(404)


@pytest.fixture
def console(tmp_path):
    stack = Stack(parse(REPO / "services.toml", port_offset=300), tmp_path / "state", with_traces=True)
    gateway = httpx.Client(transport=httpx.MockTransport(whoami), base_url="http://gateway")
    return Console(stack, gateway=gateway, redis_client=redis_client())


@pytest.fixture
def signed_in(console) -> str:
    status, headers, _ = call(console, "POST", "/ops/login", form={"token": token(["ops"])})
    assert status == 303
    return headers["Set-Cookie"].split(";")[0].split("=", 1)[1]


@pytest.fixture
def local_traces():
    """Tracing on with the local sink (spans written to Redis as they end)."""
    otel.use_exporter(otel.SpanStoreExporter(), service="cx")
    yield
    otel.shutdown()


def test_the_traces_pages_need_an_operator(console):
    for path in ("/ops/traces/", "/ops/traces/abc"):
        status, headers, _ = call(console, "GET", path)
        assert (status, headers["Location"]) == (303, "/ops/login")


def test_a_request_ids_spans_are_listed_as_a_tree_with_a_timeline(console, signed_in, local_traces, client):
    rid = f"rid-{uuid.uuid4().hex[:12]}"
    assert client.get("/demo/api/v1/ping/", HTTP_X_REQUEST_ID=rid).status_code == 200
    requestid.set_current(rid)
    try:
        with tracing.span("publish cx.consumer_created.v1", kind="producer"), \
                tracing.span("handle cx.consumer_created.v1", kind="consumer"):
            pass
    finally:
        requestid.set_current("")

    status, _, text = call(console, "GET", "/ops/traces/", cookie=signed_in)
    assert status == 200
    assert f'href="/ops/traces/{rid}"' in text  # among the recent request ids

    status, headers, _ = call(console, "GET", f"/ops/traces/?request_id={rid}", cookie=signed_in)
    assert (status, headers["Location"]) == (303, f"/ops/traces/{rid}")

    status, _, text = call(console, "GET", f"/ops/traces/{rid}", cookie=signed_in)
    assert status == 200
    assert text.count("<h2>Trace ") == 2  # the request, and the publish with its handling
    names = ["GET demo/api/v1/ping/", "publish cx.consumer_created.v1", "handle cx.consumer_created.v1"]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    assert 'padding-left:1.2em">handle cx.consumer_created.v1' in text  # under its parent
    assert text.count('class="timeline"') == 3
    assert "http.route" in text


def test_an_unknown_or_malformed_request_id(console, signed_in):
    status, _, text = call(console, "GET", f"/ops/traces/{uuid.uuid4().hex}", cookie=signed_in)
    assert status == 200
    assert 'id="no-spans"' in text
    status, _, text = call(console, "GET", "/ops/traces/?request_id=a%20b%3Cscript%3E", cookie=signed_in)
    assert status == 200
    assert "<script>" not in text
    assert "1 to 128 letters" in text
