"""The OpenTelemetry side of `tracing`: imported by `tracing.setup_from_env()` only, when on.

One TracerProvider per process (resource: service.name = the service, smart360.role), with
- `RequestIdStamp`: every span gets the request id current when it starts;
- the local sink: a batch processor writing to the span store (`spanstore`, Redis);
- the OTLP sink: a batch processor and the OTLP/HTTP exporter, configured by the OTEL_* variables.
Trace context crosses processes as a W3C traceparent: HTTP headers, Celery message headers, the
event envelope. Batch processors restart their thread in forked children (Celery's pool).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import Token
from typing import Any

from celery import signals
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from smart360 import http, requestid
from smart360.observability import spanstore, tracing
from smart360.redis import redis_client

KINDS = {"internal": SpanKind.INTERNAL, "server": SpanKind.SERVER, "client": SpanKind.CLIENT,
         "producer": SpanKind.PRODUCER, "consumer": SpanKind.CONSUMER}
LOCAL_DELAY_MS = 500  # the console shows a request's spans half a second after they end
W3C = TraceContextTextMapPropagator()  # always W3C, whatever OTEL_PROPAGATORS says
TRACEPARENT = "traceparent"

_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None
_running: dict[str, tuple[trace.Span, Token[Context]]] = {}  # Celery task id -> (span, context token)


# -- the provider ----------------------------------------------------------------------------
class RequestIdStamp(SpanProcessor):
    """Every span carries the request id of the moment it starts, unless it was given one."""

    def on_start(self, span: Any, parent_context: Context | None = None) -> None:
        if tracing.REQUEST_ID not in (span.attributes or {}):
            rid = requestid.get()
            if rid:
                span.set_attribute(tracing.REQUEST_ID, rid)

    def on_end(self, span: ReadableSpan) -> None:
        """Nothing to do when a span ends."""

    def shutdown(self) -> None:
        """Holds nothing."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def as_dict(span: ReadableSpan) -> dict[str, Any]:
    """A finished span as the span store keeps it (JSON-safe)."""
    context = span.get_span_context()
    attributes = {k: v if isinstance(v, str | int | float | bool) else json.loads(json.dumps(v, default=str))
                  for k, v in (span.attributes or {}).items()}  # sequences become lists
    return {
        "trace_id": f"{context.trace_id:032x}" if context else "",
        "span_id": f"{context.span_id:016x}" if context else "",
        "parent_id": f"{span.parent.span_id:016x}" if span.parent else "",
        "name": span.name,
        "kind": span.kind.name.lower(),
        "service": str(span.resource.attributes.get("service.name", "")),
        "start": span.start_time or 0,
        "end": span.end_time or 0,
        "status": span.status.status_code.name.lower(),
        "error": span.status.description or "",
        "request_id": str(attributes.get(tracing.REQUEST_ID, "")),
        "attributes": attributes,
        "links": [{"trace_id": f"{link.context.trace_id:032x}", "span_id": f"{link.context.span_id:016x}"}
                  for link in span.links],
    }


class SpanStoreExporter(SpanExporter):
    """The local sink: batches of finished spans into the span store, one pipelined write each."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            spanstore.write(redis_client(), [as_dict(s) for s in spans])
        except Exception:  # Redis away: these spans are lost, the request is not
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """The Redis pool is the process's own and outlives the exporter."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def _provider_for(attributes: dict[str, str]) -> TracerProvider:
    """A provider whose first processor stamps the request id (before any exporter sees a span)."""
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(RequestIdStamp())
    return provider


def setup(service: str, role: str, sinks: frozenset[str]) -> TracerProvider:
    attributes: dict[str, str] = {"smart360.role": role}
    if not os.environ.get("OTEL_SERVICE_NAME"):  # the standard variable wins when set
        attributes["service.name"] = service
    provider = _provider_for(attributes)
    if "local" in sinks:
        provider.add_span_processor(BatchSpanProcessor(SpanStoreExporter(),
                                                       schedule_delay_millis=LOCAL_DELAY_MS))
    if "otlp" in sinks:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # OTEL_EXPORTER_OTLP_*
    trace.set_tracer_provider(provider)  # other instrumentation, if any, joins the same traces
    use(provider)
    return provider


def use_exporter(exporter: SpanExporter, service: str = "demo") -> TracerProvider:
    """Tests: spans to `exporter` as they end (the SDK's InMemorySpanExporter)."""
    provider = _provider_for({"service.name": service})
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    use(provider)
    return provider


def use(provider: TracerProvider) -> None:
    """Make `provider` this process's tracer: hooks on, facade on."""
    global _provider, _tracer
    _provider, _tracer = provider, provider.get_tracer("smart360")
    for signal, hook in _CELERY_HOOKS:
        signal.connect(hook, weak=False)
    http.outbound_span = client_span
    tracing.activate(sys.modules[__name__])


def shutdown() -> None:
    """Tests: tracing off again; pending spans are flushed."""
    global _provider, _tracer
    tracing.activate(None)
    http.outbound_span = None
    for signal, hook in _CELERY_HOOKS:
        signal.disconnect(hook)
    _running.clear()
    if _provider is not None:
        _provider.shutdown()
    _provider = _tracer = None


# -- spans -------------------------------------------------------------------------------------
def _parent_context(traceparent: str) -> Context | None:
    """The context of a traceparent; None (the current context) when it is empty or invalid."""
    if not traceparent:
        return None
    extracted = W3C.extract({TRACEPARENT: traceparent})
    return extracted if trace.get_current_span(extracted).get_span_context().is_valid else None


def _links(traceparents: Sequence[str]) -> list[Link]:
    found = []
    for value in traceparents:
        context = _parent_context(value)
        if context is not None:
            found.append(Link(trace.get_current_span(context).get_span_context()))
    return found


def _clean(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (attributes or {}).items() if v is not None}


@contextmanager
def span(name: str, *, kind: str = "internal", attributes: Mapping[str, Any] | None = None,
         parent: str = "", links: Sequence[str] = ()) -> Iterator[trace.Span]:
    if _tracer is None:
        raise RuntimeError("tracing is not set up in this process")
    with _tracer.start_as_current_span(name, context=_parent_context(parent), kind=KINDS[kind],
                                       attributes=_clean(attributes), links=_links(links)) as current:
        yield current


def mark_error(current: trace.Span, description: str) -> None:
    current.set_status(Status(StatusCode.ERROR, description))


def traceparent() -> str:
    carrier: dict[str, str] = {}
    W3C.inject(carrier)
    return carrier.get(TRACEPARENT, "")


@contextmanager
def client_span(method: str, url: str, headers: dict[str, str]) -> Iterator[dict[str, Any]]:
    """ServiceClient's hook: one client span per call (its retries included), whose context the
    other service continues (the traceparent header, through the gateway)."""
    note: dict[str, Any] = {}
    service = url.strip("/").split("/", 1)[0]
    with span(f"{method} {url}", kind="client", attributes={
            "http.request.method": method, "url.path": url, "smart360.target": service}) as current:
        W3C.inject(headers)
        yield note
        status = note.get("status")
        if status is not None:
            current.set_attribute("http.response.status_code", status)
            if status >= 500:
                current.set_status(Status(StatusCode.ERROR, f"HTTP {status}"))


# -- Celery: context into the message, a span around the run -----------------------------------
def _task_sent(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None:
        W3C.inject(headers)  # the publisher's current span, if any


def _task_started(task_id: str = "", task: Any = None, **_: Any) -> None:
    if task is None or _tracer is None:
        return
    request = task.request
    # A worker's request has the message's headers as attributes; an eager apply, in `headers`.
    carried = (getattr(request, TRACEPARENT, None)
               or (getattr(request, "headers", None) or {}).get(TRACEPARENT) or "")
    parent = _parent_context(carried) or otel_context.get_current()  # eager: the caller's span
    delivery = getattr(request, "delivery_info", None) or {}
    attributes = _clean({
        tracing.REQUEST_ID: getattr(request, "request_id", None) or requestid.get() or None,
        "celery.task_name": task.name, "celery.task_id": task_id,
        "messaging.destination.name": delivery.get("routing_key") or None,
        "celery.retries": getattr(request, "retries", 0) or 0})
    current = _tracer.start_span(f"run {task.name}", context=parent, kind=SpanKind.CONSUMER,
                                 attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(current, parent))
    _running[task_id] = (current, token)


def _task_failed(task_id: str = "", exception: BaseException | None = None, **_: Any) -> None:
    entry = _running.get(task_id)
    if entry is not None and exception is not None:
        entry[0].record_exception(exception)
        entry[0].set_status(Status(StatusCode.ERROR, f"{type(exception).__name__}: {exception}"[:500]))


def _task_finished(task_id: str = "", state: str | None = None, **_: Any) -> None:
    entry = _running.pop(task_id, None)
    if entry is None:
        return
    current, token = entry
    current.set_attribute("celery.state", state or "")
    otel_context.detach(token)
    current.end()


_CELERY_HOOKS = ((signals.before_task_publish, _task_sent), (signals.task_prerun, _task_started),
                 (signals.task_failure, _task_failed), (signals.task_postrun, _task_finished))
