"""Keyset pagination: `?limit=&cursor=` → {"next", "previous", "results"}.

The ordering is one unique column (`-id` by default). A cursor names the side and the key it
continues from (`n1042`: the rows after 1042 in the ordering; `p1001`: the rows before 1001),
so a page costs one indexed range scan at any depth, never an OFFSET and never a COUNT(*), and
stays stable while rows are inserted. The cursor's shape is fully described by the schema (a
pattern per key type), so any schema-valid cursor is a valid request.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers
from rest_framework.response import Response

if TYPE_CHECKING:
    from smart360.api.views import ApiView


def query_values(shape: type[serializers.Serializer], query: Any) -> dict[str, Any]:
    """The declared query parameters as plain values: an empty `?status=` is a value (and
    refused like any other bad one), not "absent" as DRF's form handling would have it; a
    parameter that takes one value but came several times is passed as the list (and refused),
    not silently as its last value."""
    fields: dict[str, serializers.Field] = dict(shape().fields)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name in query:
            many = isinstance(field, serializers.ListField | serializers.MultipleChoiceField)
            given = query.getlist(name)
            values[name] = given if many or len(given) > 1 else given[0]
    return values

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_INT = r"^[np]-?[0-9]{1,18}$"  # within bigint
_UUID = r"^[np][0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
_TEXT = r"^[np][^\x00]{1,200}$"


def cursor_pattern(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.IntegerField | models.AutoField):
        return _INT
    if isinstance(field, models.UUIDField):
        return _UUID
    return _TEXT


@cache
def page_params(pattern: str = _INT) -> type[serializers.Serializer]:
    """The query parameters of a list (validated: a bad limit or cursor is a 400)."""
    return type("PageParams", (serializers.Serializer,), {
        "limit": serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT,
                                          help_text="Rows per page."),
        "cursor": serializers.RegexField(pattern, required=False, max_length=201,
                                         help_text="`next` or `previous` of the page before."),
    })


def documented_pattern(view: ApiView) -> str:
    """The cursor's pattern: from the view's `model` key column, integer ids by default."""
    if view.model is None:
        return _INT
    return cursor_pattern(_ordering(view.model, view.ordering)[0])


def _ordering(model: type[models.Model], ordering: str) -> tuple[models.Field[Any, Any], bool]:
    name = ordering.lstrip("-")
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field, ordering.startswith("-")


def page(view: ApiView, rows: models.QuerySet[Any], ordering: str) -> Response:
    field, descending = _ordering(rows.model, ordering)
    pattern = cursor_pattern(field)
    if pattern != documented_pattern(view):
        raise ImproperlyConfigured(f"{type(view).__qualname__}: set model = {rows.model.__name__} "
                                   "(its list is keyed by a non-integer column)")
    shape = page_params(pattern)
    params = shape(data=query_values(shape, view.request.query_params))
    params.is_valid(raise_exception=True)
    limit: int = params.validated_data["limit"]
    cursor: str | None = params.validated_data.get("cursor")
    name = field.attname
    backwards = bool(cursor) and cursor[0] == "p"  # type: ignore[index]
    if cursor:
        key = field.to_python(cursor[1:])
        after = "lt" if descending != backwards else "gt"
        rows = rows.filter(**{f"{name}__{after}": key})
    forward_desc = descending != backwards
    found = list(rows.order_by(f"-{name}" if forward_desc else name)[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    keys = [_key(row, name) for row in found]
    has_next = more if not backwards else True
    has_previous = (more if backwards else bool(cursor))
    return Response({
        "next": _link(view, f"n{keys[-1]}") if keys and has_next else None,
        "previous": _link(view, f"p{keys[0]}") if keys and has_previous else None,
        "results": [view.output(row) for row in found],
    })


def _key(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _link(view: ApiView, cursor: str) -> str:
    query = view.request.query_params.copy()
    query["cursor"] = cursor
    encoded = urlencode(sorted(query.lists()), doseq=True)
    return view.request.build_absolute_uri(f"{view.request.path}?{encoded}")
