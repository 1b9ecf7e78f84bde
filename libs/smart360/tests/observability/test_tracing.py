"""Traces: off by default (nothing of OpenTelemetry imported), and when on one trace follows a
request through its event publish into the handler, through Celery messages and service calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import httpx
import pytest
from celery import signals
from demoapp.contracts import ThingHappened
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from smart360 import http, requestid
from smart360.django.middleware import RequestContextMiddleware
from smart360.events import inbox
from smart360.events.models import OutboxEvent
from smart360.events.outbox import publish
from smart360.events.tasks import deliver
from smart360.observability import otel, tracing
from smart360.observability.django import TracingMiddleware
from smart360.testing.factories import TENANT

TESTS = Path(__file__).resolve().parents[1]
TRACE_ID, PARENT_ID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.fixture
def spans():
    """Tracing on in this process, spans to memory; off again after the test."""
    exporter = InMemorySpanExporter()
    otel.use_exporter(exporter)
    yield exporter
    otel.shutdown()


def by_name(exporter: InMemorySpanExporter, name: str):
    found = [s for s in exporter.get_finished_spans() if s.name == name]
    assert len(found) == 1, [s.name for s in exporter.get_finished_spans()]
    return found[0]


def run_python(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != tracing.MODE_ENV}
    environ.update({"DJANGO_SETTINGS_MODULE": "lib_test_settings",
                    "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]), **env})
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=environ, cwd=TESTS,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


PROCESS = """
    import json, sys, weakref
    if {uninstalled}:  # as in the stack's runtime without the `traces` extra
        sys.modules["opentelemetry"] = None
    import django
    django.setup()
    from celery import signals
    from django.test import Client
    import smart360.celery.app, smart360.events.outbox, smart360.http
    from smart360.observability import tracing
    Client().get("/demo/healthz")  # loads the middleware chain
    hooks = [r() if isinstance(r, weakref.ReferenceType) else r
             for s in (signals.task_prerun, signals.before_task_publish) for _, r in s.receivers]
    print(json.dumps({{
        "on": tracing.enabled(),
        "modules": sorted(m for m, v in sys.modules.items() if m.startswith("opentelemetry") and v),
        "hooked": any(getattr(h, "__module__", "") == "smart360.observability.otel" for h in hooks),
        "http_hook": smart360.http.outbound_span is not None}}))
"""


def process(uninstalled: bool = False, **env: str) -> dict:
    return json.loads(run_python(PROCESS.format(uninstalled=uninstalled), **env))


def test_tracing_is_off_by_default_and_imports_no_opentelemetry_module():
    # Where OpenTelemetry is not installed (the stack's runtime without --with-traces), the
    # services run with no module of it; where it is (this virtualenv), redis-py imports its
    # metrics API and SDK by itself, and still none of the tracing side is loaded.
    assert process(uninstalled=True) == {"on": False, "modules": [], "hooked": False, "http_hook": False}
    installed = process()
    assert not installed["on"]
    assert not [m for m in installed["modules"]
                if m.startswith(("opentelemetry.sdk.trace", "opentelemetry.exporter"))]
    assert "smart360.observability.otel" not in run_python(
        "import sys, django; django.setup(); print(sorted(sys.modules))")


def test_smart360_traces_turns_it_on_in_a_process():
    found = process(SMART360_TRACES="local")
    assert (found["on"], found["hooked"], found["http_hook"]) == (True, True, True)
    assert "opentelemetry.sdk.trace" in found["modules"]


def test_turned_on_without_opentelemetry_installed_the_process_says_what_is_missing():
    with pytest.raises(AssertionError, match=r"smart360\[traces\]"):
        process(uninstalled=True, SMART360_TRACES="otlp")


def test_the_sinks_are_named_and_a_typo_is_an_error():
    assert tracing.sinks("") == tracing.sinks("off") == frozenset()
    assert tracing.sinks("local, OTLP") == {"local", "otlp"}
    with pytest.raises(ValueError, match="jaeger"):
        tracing.sinks("jaeger")


def test_off_the_hooks_do_nothing():
    assert not tracing.enabled()
    with tracing.span("nothing") as current:
        assert current is None
    assert tracing.traceparent() == ""


@pytest.mark.django_db
def test_a_request_is_a_server_span_continuing_the_callers_trace(spans, as_admin):
    response = as_admin.get("/demo/api/v1/widgets/", HTTP_X_REQUEST_ID="rid-server-1",
                            HTTP_TRACEPARENT=f"00-{TRACE_ID}-{PARENT_ID}-01")
    assert response.status_code == 200
    server = by_name(spans, "GET demo/api/v1/widgets/")
    assert server.kind == SpanKind.SERVER
    assert f"{server.context.trace_id:032x}" == TRACE_ID
    assert f"{server.parent.span_id:016x}" == PARENT_ID
    assert server.attributes["http.route"] == "demo/api/v1/widgets/"
    assert server.attributes["http.response.status_code"] == 200
    assert server.attributes["smart360.request_id"] == "rid-server-1"
    assert server.attributes["smart360.tenant"] == str(TENANT)


@pytest.mark.django_db
def test_a_request_that_publishes_an_event_and_its_handling_in_another_service_are_one_trace(
        spans, received, django_capture_on_commit_callbacks):
    def view(request):
        publish(ThingHappened(n=7), tenant_id=TENANT)
        return HttpResponse("ok")

    chain = RequestContextMiddleware(TracingMiddleware(view))
    with django_capture_on_commit_callbacks(execute=False):  # the relay: sent by hand below
        chain(RequestFactory().post("/demo/things/", HTTP_X_REQUEST_ID="rid-publish-1"))
    row = OutboxEvent.objects.get()
    raw = row.envelope("demo").to_dict()  # what the relay sends to the subscriber's queue
    server, published = by_name(spans, "POST <unmatched>"), by_name(spans, "publish demo.thing.happened")
    assert raw["traceparent"].split("-")[1:3] == [f"{published.context.trace_id:032x}",
                                                  f"{published.context.span_id:016x}"]

    requestid.set_current("")
    assert deliver.apply(args=[[raw]]).get()["handled"] == 1  # the subscriber's worker
    assert [r.event.n for r in received] == [7]
    handled = by_name(spans, "handle demo.thing.happened")
    delivery = by_name(spans, "run smart360.events.deliver")
    assert published.parent.span_id == server.context.span_id
    assert handled.parent.span_id == published.context.span_id
    assert handled.context.trace_id == server.context.trace_id  # one trace, request to handler
    assert [link.context.span_id for link in handled.links] == [delivery.context.span_id]
    assert handled.kind == SpanKind.CONSUMER
    assert published.kind == SpanKind.PRODUCER
    for span in (server, published, handled):
        assert span.attributes["smart360.request_id"] == "rid-publish-1"
    assert handled.attributes["smart360.event.id"] == str(row.id)
    assert handled.attributes["smart360.events.handled"] == 1


@pytest.mark.django_db
def test_a_failing_handler_marks_its_span_as_an_error(spans):
    def broken(item):
        raise RuntimeError("boom")

    inbox.subscriber(ThingHappened)(broken)
    try:
        publish(ThingHappened(n=1), tenant_id=None)
        raw = OutboxEvent.objects.get().envelope("demo").to_dict()
        assert deliver.apply(args=[[raw], 5]).get()["failed"] == 1
    finally:
        inbox.unsubscribe(broken)
    handled = by_name(spans, "handle demo.thing.happened")
    assert handled.status.status_code == StatusCode.ERROR
    assert "boom" in handled.status.description


@pytest.mark.django_db
def test_a_task_message_carries_the_trace_context_and_the_worker_continues_it(spans):
    headers: dict = {}
    with tracing.span("caller") as caller:
        signals.before_task_publish.send(sender="smart360.events.deliver", body=None, exchange="",
                                         routing_key="demo", headers=headers, properties={},
                                         declare=[], retry_policy=None)
    assert headers["traceparent"].split("-")[2] == f"{caller.context.span_id:016x}"
    deliver.apply(args=[[]], headers=headers)  # outside the caller's span: only the header links
    run = by_name(spans, "run smart360.events.deliver")
    assert run.parent.span_id == caller.context.span_id
    assert run.context.trace_id == caller.context.trace_id
    assert run.attributes["celery.state"] == "SUCCESS"


def test_a_call_to_another_service_sends_the_trace_context_and_is_continued_there(spans):
    client = http.ServiceClient("demo", base_url="http://testserver",
                                transport=httpx.WSGITransport(app=WSGIHandler()))
    # The other service is this process's own WSGI app; like Django's test client, keep its
    # request signals away from the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = client.get("api/v1/ping/", headers={"X-Request-ID": "rid-client-1"})
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        client.close()
    assert response.status_code == 200
    called = by_name(spans, "GET /demo/api/v1/ping/")
    served = by_name(spans, "GET demo/api/v1/ping/")
    assert called.kind == SpanKind.CLIENT
    assert called.attributes["http.response.status_code"] == 200
    assert served.parent.span_id == called.context.span_id
    assert served.attributes["smart360.request_id"] == "rid-client-1"


def test_spans_in_the_local_store_are_listed_by_request_id(spans, settings):
    from smart360.observability import spanstore
    from smart360.redis import redis_client

    rid = f"rid-{uuid.uuid4().hex[:8]}"
    requestid.set_current(rid)
    try:
        with tracing.span("outer"), tracing.span("inner"):
            pass
    finally:
        requestid.set_current("")
    assert spanstore.write(redis_client(), [otel.as_dict(s) for s in spans.get_finished_spans()]) == 2
    stored = spanstore.spans_of(redis_client(), rid)
    assert [(n.span["name"], n.depth) for n in spanstore.tree(stored)] == [("outer", 0), ("inner", 1)]
    assert rid in [r.request_id for r in spanstore.recent(redis_client(), limit=200)]
    assert redis_client().ttl(spanstore.key(rid)) > 0


def test_up_with_traces_turns_local_traces_on_in_every_service_program_and_sticks(tmp_path, monkeypatch):
    import dataclasses

    from smart360.stack import configs
    from smart360.stack.layout import Stack

    monkeypatch.setenv("SMART360_REGISTRY", str(TESTS.parents[2] / "services.toml"))
    monkeypatch.setenv("SMART360_STATE_DIR", str(tmp_path / "state"))
    stack = Stack.from_env()
    cx = stack.registry.service("cx")
    assert not stack.with_traces
    assert "SMART360_TRACES" not in configs.program_env(stack, cx, "web", "cx-web-0")
    dataclasses.replace(stack, with_traces=True).record_choices()
    again = Stack.from_env()  # `status`, `restart`, `down` see the stack that runs
    assert again.with_traces
    assert not again.with_metrics
    for role in ("web", "worker", "beat"):
        assert configs.program_env(again, cx, role, f"cx-{role}")["SMART360_TRACES"] == "local"
    assert "SMART360_TRACES" not in configs.console_env(again)  # the console only reads
    dataclasses.replace(again, with_traces=False).record_choices()
    assert not Stack.from_env().with_traces


def test_a_real_worker_continues_the_trace_of_the_message_and_stores_its_span_by_request_id(
        spans, tmp_path):
    """A prefork worker with SMART360_TRACES=local: the span of the task, run in a forked pool
    child, continues the sender's span (the message header) and lands in the span store."""
    from smart360.celery.app import app
    from smart360.observability import spanstore
    from smart360.redis import redis_client

    app.conf.task_always_eager = False  # this test has a real worker (the next test's fixture resets it)
    queue = f"demo-traces-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if k != tracing.MODE_ENV}
    env.update({"SMART360_TRACES": "local", "SMART360_ROLE": "worker", "CELERY_SKIP_CHECKS": "1",
                "DJANGO_SETTINGS_MODULE": "lib_test_settings",
                "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])})
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen([str(Path(sys.executable).with_name("celery")), "-A", "smart360.celery.app",
                               "worker", "-Q", queue, "--concurrency", "1", "-P", "prefork",
                               "--loglevel", "WARNING"], cwd=TESTS, env=env, stdout=log, stderr=log)
    rid = f"rid-worker-{uuid.uuid4().hex[:8]}"
    try:
        requestid.set_current(rid)
        with tracing.span("caller", kind="server") as caller:
            result = app.send_task("smart360.ping", queue=queue)
        requestid.set_current("")
        assert result.get(timeout=90)["request_id"] == rid
        deadline = time.monotonic() + 10
        while not (stored := spanstore.spans_of(redis_client(), rid)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        redis_client().delete(queue)
    assert [(s["name"], s["service"], s["kind"]) for s in stored] == [
        ("run smart360.ping", "demo", "consumer")]
    assert stored[0]["trace_id"] == f"{caller.context.trace_id:032x}"
    assert stored[0]["parent_id"] == f"{caller.context.span_id:016x}"
    assert stored[0]["attributes"]["celery.state"] == "SUCCESS"
