"""JSON bodies are taken at their word: a field the schema calls a string must be a string.

DRF coerces quietly (`{"name": 0}` becomes "0", `{"count": "7"}` becomes 7). A client generated
from the OpenAPI schema never sends those, and accepting them hides bugs in clients that do; so
the toolkit checks each value's JSON type against its field before DRF validates it.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.core.validators import RegexValidator
from rest_framework import serializers

# The addresses Django's EmailValidator takes, narrowed to ASCII so that a schema can say it:
# the schema documents this pattern and the toolkit enforces it, so the two never disagree.
EMAIL = (r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
         r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z-]{0,61}[A-Za-z]$")
_EMAIL = re.compile(EMAIL)

TEXT = (serializers.CharField, serializers.DateField, serializers.DateTimeField,
        serializers.TimeField, serializers.DecimalField, serializers.UUIDField,
        serializers.DurationField)


def _expected(field: serializers.Field) -> tuple[str, tuple[type, ...]] | None:
    """What JSON type a field takes, or None when any will do."""
    if isinstance(field, serializers.BooleanField):
        return "a boolean", (bool,)
    if isinstance(field, serializers.IntegerField):
        return "an integer", (int,)
    if isinstance(field, serializers.FloatField):
        return "a number", (int, float)
    if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
        kinds = {type(c) for c in field.choices}
        if kinds == {int}:
            return "an integer", (int,)
        return ("a string", (str,)) if kinds <= {str} else None
    if isinstance(field, TEXT):
        return "a string", (str,)
    return None


def type_errors(shape: serializers.Serializer | type[serializers.Serializer], data: Any,
                path: str = "") -> dict[str, str]:
    """Field path -> message for every value whose JSON type its field does not take."""
    fields = shape().fields if isinstance(shape, type) else shape.fields
    if not isinstance(data, dict):
        return {}
    errors: dict[str, str] = {}
    for name, field in fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]
        where = f"{path}.{name}" if path else name
        if value is None:
            continue  # allow_null is DRF's to judge
        errors.update(_check(field, value, where))
    return errors


def _check(field: serializers.Field, value: Any, where: str) -> dict[str, str]:
    if isinstance(field, serializers.ListSerializer):
        if not isinstance(value, list):
            return {where: "Expected a list."}
        child = cast(serializers.Serializer, field.child)
        return {k: v for i, item in enumerate(value)
                for k, v in type_errors(child, item, f"{where}[{i}]").items()}
    if isinstance(field, serializers.Serializer):
        if not isinstance(value, dict):
            return {where: "Expected an object."}
        return type_errors(field, value, where)
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return {where: "Expected a list."}
        return {k: v for i, item in enumerate(value)
                for k, v in _check(field.child, item, f"{where}[{i}]").items()}
    expected = _expected(field)
    if expected is None or value is None:
        return {}
    label, types = expected
    if isinstance(value, bool) and bool not in types:
        return {where: f"Expected {label}, not a boolean."}
    if not isinstance(value, types):
        return {where: f"Expected {label}."}
    if (isinstance(field, serializers.EmailField) and isinstance(value, str) and value
            and not _EMAIL.match(value.strip())):
        return {where: "Enter a valid email address."}
    # The schema's maxLength and pattern are the text as sent: DRF would trim whitespace first
    # and let " ABC" through a pattern that refuses it, or a longer string through maxLength.
    limit = getattr(field, "max_length", None)
    if isinstance(field, serializers.CharField) and limit and isinstance(value, str) \
            and len(value) > limit:
        return {where: f"Ensure this field has no more than {limit} characters."}
    if isinstance(field, serializers.RegexField) and isinstance(value, str) and value \
            and any(not cast(re.Pattern[str], v.regex).search(value) for v in field.validators
                    if isinstance(v, RegexValidator)):
        return {where: "This value does not match the required pattern."}
    return {}
