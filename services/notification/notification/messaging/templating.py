"""Templates: which variables each event offers, validation on save, rendering, sample data.

A template is Django template text (no HTML escaping: mail and SMS are plain text), limited to
variables, filters, `if` and `for`. Saving one with a variable its event does not offer is a 400,
never a blank at send time.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode

from smart360.contracts import Event
from smart360.contracts.ax import CoverExpiring
from smart360.contracts.bx import BillIssued
from smart360.contracts.cx import ConnectionActivated, ConsumerCreated
from smart360.contracts.onboarding import TariffActivated
from smart360.contracts.rx import PaymentReceived, ReminderDue
from smart360.contracts.wx import WorkOrderAssigned, WorkOrderCompleted
from smart360.errors import ValidationFailed

_engine = Engine(autoescape=False)

CUSTOM = "message.custom"  # messages people write (individual, bulk, scheduled)

# The events that reach a person, and what they are about (the opt-out category).
EVENTS: dict[str, tuple[type[Event] | None, str]] = {
    ConsumerCreated.type: (ConsumerCreated, "account"),
    ConnectionActivated.type: (ConnectionActivated, "account"),
    BillIssued.type: (BillIssued, "billing"),
    PaymentReceived.type: (PaymentReceived, "account"),
    ReminderDue.type: (ReminderDue, "billing"),
    WorkOrderAssigned.type: (WorkOrderAssigned, "service"),
    WorkOrderCompleted.type: (WorkOrderCompleted, "service"),
    TariffActivated.type: (TariffActivated, "service"),
    CoverExpiring.type: (CoverExpiring, "service"),
    CUSTOM: (None, "marketing"),
}

# Offered to every template: the contact, the tenant, links.
COMMON_VARIABLES = frozenset({
    "name", "email", "phone", "locale", "consumer_number", "account_number", "tenant_name",
    "currency", "unsubscribe_url", "event",
})
EXTRA_VARIABLES = {BillIssued.type: frozenset({"pdf_url"})}

SAMPLES: dict[str, Any] = {
    "name": "Rita Lopes", "email": "rita@example.com", "phone": "+15550100",
    "consumer_number": "CUST-202611-0001", "account_number": "ACC-202611-00001",
    "number": "DOC-202611-000001", "receipt_number": "RCPT-202611-000001",
    "tenant_name": "Sample Utility", "currency": "USD", "locale": "en",
    "unsubscribe_url": "https://example.com/notification/api/v1/unsubscribe/TOKEN/",
    "pdf_url": "https://example.com/bx/api/v1/bills/1/pdf/", "pdf_path": "/bx/api/v1/bills/1/pdf/",
    "technician_name": "Sam Field", "technician_email": "sam@example.com",
    "stage": "REMINDER_SENT", "kind": "INSTALLATION", "outcome": "pass", "method": "CARD",
    "event": {"id": "00000000-0000-0000-0000-000000000000", "type": "sample"},
}


def event_types() -> list[str]:
    return list(EVENTS)


def category_of(event_type: str) -> str:
    return EVENTS.get(event_type, (None, "account"))[1]


def variables_for(event_type: str) -> frozenset[str]:
    contract = EVENTS[event_type][0] if event_type in EVENTS else None
    fields = frozenset(contract.model_fields) if contract is not None else frozenset()
    return COMMON_VARIABLES | fields | EXTRA_VARIABLES.get(event_type, frozenset())


# -- validation --------------------------------------------------------------------------------
def _names_in(expr: FilterExpression) -> set[str]:
    names: set[str] = set()
    for value in [expr.var, *(arg for _, args in expr.filters for _, arg in args)]:
        if isinstance(value, Variable) and value.literal is None and value.var:
            names.add(str(value.var).split(".")[0])
    return names


def _names_in_condition(cond: Any) -> set[str]:
    if cond is None:
        return set()
    if isinstance(getattr(cond, "value", None), FilterExpression):
        return _names_in(cond.value)
    return _names_in_condition(getattr(cond, "first", None)) | _names_in_condition(
        getattr(cond, "second", None))


def _walk(nodes: list[Node], local: frozenset[str], used: set[str], bad: set[str]) -> None:
    for node in nodes:
        if isinstance(node, TextNode | CommentNode):
            continue
        if isinstance(node, VariableNode):
            used.update(_names_in(node.filter_expression) - local)
        elif isinstance(node, IfNode):
            for cond, nodelist in node.conditions_nodelists:
                used.update(_names_in_condition(cond) - local)
                _walk(list(nodelist), local, used, bad)
        elif isinstance(node, ForNode):
            loop: Any = node  # django-stubs types these loosely
            used.update(_names_in(loop.sequence) - local)
            inner = local | frozenset(loop.loopvars) | {"forloop"}
            _walk(list(loop.nodelist_loop), inner, used, bad)
            _walk(list(loop.nodelist_empty), local, used, bad)
        else:
            bad.add(type(node).__name__.removesuffix("Node").lower() or "tag")


def validate(event_type: str, **texts: str) -> set[str]:
    """The variables the texts use; ValidationFailed (400) naming a syntax error, a tag other
    than if/for, or a variable the event does not offer."""
    if event_type not in EVENTS:
        raise ValidationFailed(f"Unknown event type {event_type!r}; templates exist for "
                               f"{', '.join(EVENTS)}.", errors={"event_type": "unknown"})
    known = variables_for(event_type)
    errors: dict[str, str] = {}
    used_all: set[str] = set()
    for field_name, text in texts.items():
        try:
            compiled = _engine.from_string(text)
        except TemplateSyntaxError as exc:
            errors[field_name] = f"template syntax: {exc}"
            continue
        used: set[str] = set()
        bad: set[str] = set()
        _walk(list(compiled.nodelist), frozenset(), used, bad)
        unknown = sorted(used - known)
        if bad:
            errors[field_name] = f"only variables, filters, if and for are allowed (not {sorted(bad)})"
        elif unknown:
            errors[field_name] = (f"unknown variable(s) {', '.join(unknown)}; {event_type} offers "
                                  f"{', '.join(sorted(known))}")
        used_all |= used
    if errors:
        raise ValidationFailed("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
    return used_all


# -- rendering ---------------------------------------------------------------------------------
@lru_cache(maxsize=512)
def _compiled(text: str) -> Any:
    return _engine.from_string(text)


def render(text: str, context: dict[str, Any]) -> str:
    if "{" not in text:
        return text
    return str(_compiled(text).render(Context(context, autoescape=False)))


def _sample_value(name: str, annotation: Any) -> Any:
    if name in SAMPLES:
        return SAMPLES[name]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _sample_value(name, args[0]) if args else None
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin in (list, dict):
        return origin()
    if annotation is Decimal:
        return Decimal("123.45")
    if annotation is datetime:
        return datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    if annotation is date:
        return date(2026, 11, 30)
    if annotation is int:
        return 1
    if annotation is bool:
        return True
    if annotation is uuid.UUID:
        return uuid.UUID(int=1)
    return name.replace("_", " ")


def sample_context(event_type: str) -> dict[str, Any]:
    contract = EVENTS[event_type][0]
    context = {name: SAMPLES.get(name, "") for name in COMMON_VARIABLES}
    if contract is not None:
        for name, info in contract.model_fields.items():
            context[name] = _sample_value(name, info.annotation)
    for name in EXTRA_VARIABLES.get(event_type, ()):
        context[name] = SAMPLES.get(name, "")
    return {k: _as_sent(v) for k, v in context.items()}


def _as_sent(value: Any) -> Any:
    """As events arrive (their JSON form): dates ISO, decimals exact strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value
