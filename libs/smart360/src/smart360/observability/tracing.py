"""Traces of one request across services (OpenTelemetry): off unless SMART360_TRACES names a sink.

    SMART360_TRACES=otlp        spans to an OTLP/HTTP endpoint; the standard OTEL_* variables
                                apply (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
                                OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*...)
    SMART360_TRACES=local       spans to the local span store (Redis, by request id), shown by
                                the console at /ops/traces/ (`smart360 up --with-traces`)
    SMART360_TRACES=local,otlp  both

Off (unset: the default) this code imports nothing of OpenTelemetry — the SDK costs each web,
worker and beat process megabytes, and the local stack's memory budget is tight. The hooks below
are then one attribute check; the middleware removes itself and no Celery signal is connected.
The SDK side is `smart360.observability.otel`, imported by `setup()` only. OpenTelemetry itself
is the `traces` extra of smart360, installed only where tracing is turned on (`up --with-traces`
adds it to the stack's runtime): redis-py imports the metrics SDK whenever it is installed.

What is traced: the Django request (route, status, tenant), calls to other services
(ServiceClient), Celery task runs, event publish (the outbox write) and event handling (the
inbox). The trace context travels W3C `traceparent` in HTTP headers, in Celery message headers
and in the event envelope, so a request that publishes an event handled in another service is
one trace. Every span carries the request id (`smart360.request_id`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

MODE_ENV = "SMART360_TRACES"
SINKS = frozenset({"local", "otlp"})
OFF_WORDS = frozenset({"", "0", "off", "false", "no", "none"})
REQUEST_ID = "smart360.request_id"  # on every span: the console lists spans by it
TENANT = "smart360.tenant"

_impl: Any = None  # the `otel` module once set up; None: tracing is off
_OFF: AbstractContextManager[None] = nullcontext()


def sinks(value: str | None = None) -> frozenset[str]:
    """The sinks SMART360_TRACES asks for (empty: off). An unknown word is a configuration error."""
    raw = os.environ.get(MODE_ENV, "") if value is None else value
    chosen = {part.strip().lower() for part in raw.split(",")} - OFF_WORDS
    unknown = chosen - SINKS
    if unknown:
        raise ValueError(f"{MODE_ENV}={raw!r}: unknown sink(s) {sorted(unknown)}; "
                         f"use {' or '.join(sorted(SINKS))} (comma-separated), or leave it unset")
    return frozenset(chosen)


def enabled() -> bool:
    return _impl is not None


def setup_from_env(service: str, role: str) -> bool:
    """Set tracing up in this process if SMART360_TRACES asks for it; True if it is on."""
    chosen = sinks()
    if not chosen or enabled():
        return enabled()
    try:
        from smart360.observability import otel
    except ImportError as exc:  # the image or virtualenv was made without the extra
        raise RuntimeError(f"{MODE_ENV}={os.environ.get(MODE_ENV)} needs OpenTelemetry: install "
                           "smart360[traces] (uv sync --extra traces)") from exc
    otel.setup(service, role, chosen)
    return True


def activate(impl: Any) -> None:
    """Called by `otel` once its provider exists (and with None by `otel.shutdown`)."""
    global _impl
    _impl = impl


def span(name: str, *, kind: str = "internal", attributes: Mapping[str, Any] | None = None,
         parent: str = "", links: Sequence[str] = ()) -> AbstractContextManager[Any]:
    """A span around a block, child of the current span — or of `parent` (a traceparent) when
    given — with `links` (traceparents) to other traces. Yields the span (None when off)."""
    if _impl is None:
        return _OFF
    return _impl.span(name, kind=kind, attributes=attributes, parent=parent, links=links)


def traceparent() -> str:
    """The current span as a W3C traceparent ("" when off or outside any span)."""
    return _impl.traceparent() if _impl is not None else ""


def set_attributes(current: Any, attributes: Mapping[str, Any]) -> None:
    """Set attributes on a span yielded by `span()` (nothing when off)."""
    if current is not None:
        current.set_attributes({k: v for k, v in attributes.items() if v is not None})


def mark_error(current: Any, description: str) -> None:
    """Mark a span yielded by `span()` as failed (nothing when off)."""
    if _impl is not None and current is not None:
        _impl.mark_error(current, description)
