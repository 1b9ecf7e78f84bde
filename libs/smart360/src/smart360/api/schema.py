"""OpenAPI that tells the truth (drf-spectacular), derived from the toolkit's declarations.

For each operation: the request body is the view's Input; query parameters are its Filters (and
`limit`/`cursor` on lists); the success response is its Output (a page of them on lists), and
every error status the view can answer is listed with the problem+json schema — 400 when there
is input to refuse, 401/403 when a token is needed, 404 (unknown, or another tenant's), 409 on
writes (state or duplicates), 415 on bodies, 422 with Idempotency-Key, 429 when throttled.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from smart360.api import idempotency, pagination, strict
from smart360.api.views import ApiView, PublicView
from smart360.errors import PROBLEM_JSON

WRITES = ("POST", "PUT", "PATCH", "DELETE")
RULES_EXTENSION = "x-smart360-rules"
NO_NUL = r"^[^\u0000]*$"
NON_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


class FieldError(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


# RFC 9457 problem details, as every error of the platform is answered. Built with type(): a
# field named `errors` would shadow Serializer.errors in a class body.
Problem = type("Problem", (serializers.Serializer,), {
    "__doc__": "A problem (RFC 9457): what went wrong, for people (detail) and programs (code).",
    "type": serializers.CharField(),
    "title": serializers.CharField(),
    "status": serializers.IntegerField(),
    "detail": serializers.CharField(),
    "code": serializers.CharField(),
    "request_id": serializers.CharField(required=False),
    "errors": FieldError(many=True, required=False),
})


@cache
def page_of(output: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of a list response: a page of `output`."""
    name = f"{output.__qualname__.replace('.', '')}Page"
    page = type(name, (serializers.Serializer,), {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": output(many=True),
    })
    page.__qualname__ = name
    return page


class AutoSchema(SpectacularAutoSchema):
    """Components are named after the serializer's qualified name (`ConsumerList.Output` →
    `ConsumerListOutput`): every view nests its own, and two `Input`s must not collide."""

    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        return str(type(serializer).__qualname__).replace(".", "")

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False
                              ) -> dict[str, Any]:
        """What DRF's CharField refuses, said in the schema: NUL characters always, and text that
        is only whitespace when the field may not be blank (it trims)."""
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.EmailField):
            schema["pattern"] = strict.EMAIL
        elif (direction == "request" and isinstance(field, serializers.CharField)
                and schema.get("type") == "string" and "pattern" not in schema
                and not any(isinstance(v, RegexValidator) for v in field.validators)):
            non_blank = not field.allow_blank and field.trim_whitespace
            schema["pattern"] = NON_BLANK if non_blank else NO_NUL
        return schema

    def get_operation_id(self) -> str:
        """`consumer_list_get`: the view's name and the method, unique in a service."""
        view = self._toolkit()
        if view is None:
            return str(super().get_operation_id())
        return f"{re.sub(r'(?<!^)(?=[A-Z])', '_', type(view).__name__).lower()}_{self.method.lower()}"

    # -- toolkit views ----------------------------------------------------------------
    def _toolkit(self) -> ApiView | None:
        return self.view if isinstance(self.view, ApiView) else None

    def _is_list(self) -> bool:
        view = self._toolkit()
        return bool(view and self.method == "GET" and view.lists and view.Output)

    def get_request_serializer(self) -> Any:
        view = self._toolkit()
        if view is None:
            return super().get_request_serializer()
        return view.Input if self.method in ("POST", "PUT", "PATCH") else None

    def get_override_parameters(self) -> list[Any]:
        view = self._toolkit()
        if view is None:
            return super().get_override_parameters()
        params: list[Any] = []
        if self.method == "GET" and view.Filters is not None:
            params.append(view.Filters)
        if self._is_list():
            params.append(pagination.page_params(pagination.documented_pattern(view)))
        if self.method == "POST" and view.idempotent:
            params.append(OpenApiParameter(
                idempotency.HEADER, str, OpenApiParameter.HEADER, required=False,
                pattern=idempotency.KEY_PATTERN,
                description="Repeat a request safely: the same key answers the first response."))
        return params

    def _get_request_body(self, direction: str = "request") -> Any:
        body = super()._get_request_body(direction)
        view = self._toolkit()
        if body is not None and isinstance(view, ApiView) and isinstance(view.Input,
                                                                          PolymorphicProxySerializer):
            body["required"] = True  # one of several shapes, each with required fields
        return body

    def get_response_serializers(self) -> Any:
        view = self._toolkit()
        if view is None:
            return super().get_response_serializers()
        responses: dict[int, Any] = {}
        if self.method == "DELETE" or view.Output is None:
            responses[204] = None
        elif self._is_list():
            responses[200] = page_of(view.Output)
        else:
            responses[view.post_status if self.method == "POST" else 200] = view.Output
        for code in self._error_statuses(view):
            responses[code] = Problem
        if view.rules:
            responses[400] = OpenApiResponse(
                Problem, description="Invalid input; beyond the schema, also refused when: "
                + "; ".join(view.rules))
        return responses

    def get_extensions(self) -> dict[str, Any]:
        view = self._toolkit()
        extensions: dict[str, Any] = super().get_extensions()
        if view is not None and view.rules and self.method in WRITES:
            extensions[RULES_EXTENSION] = list(view.rules)
        return extensions

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.EmailField):
            # The pattern (on requests) is the one definition; JSON Schema's "email" format is
            # both looser and stricter than what Django accepts, so it is not claimed.
            for part in [schema, *schema.get("oneOf", [])]:
                part.pop("format", None)

    def _error_statuses(self, view: ApiView) -> list[int]:
        codes = {400, 404}  # malformed query or body; unknown path, object or reference
        if not isinstance(view, PublicView):
            codes |= {401, 403}
        if self.method in WRITES:
            codes |= {409, 415}
        if self.method == "POST" and view.idempotent:
            codes.add(422)
        if view.throttle_classes:
            codes.add(429)
        return sorted(codes | set(view.errors))


def problem_media_type(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Postprocessing hook: error responses are `application/problem+json`, not JSON."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(code).startswith(("4", "5")) and "application/json" in content:
                    response["content"] = {PROBLEM_JSON: content["application/json"]}
    return result


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the platform's bearer tokens (RS256 JWTs from auth) on every secured operation."""

    target_class = "smart360.identity.authentication.JWTAuthentication"
    name = "bearerJWT"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}



def enums_named_after_models(result: dict[str, Any], generator: Any,
                             **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's enum hook, where a field name carries different choice sets in
    different components (two `status` fields): each set is named after its component and field
    (`AccountStatusEnum`), not a hash (`Status461Enum`, W001) integrators would code against.
    A service's own ENUM_NAME_OVERRIDES still win."""
    from drf_spectacular import hooks, plumbing

    hashes: dict[str, set[str]] = defaultdict(set)  # field -> choice sets
    owners: dict[str, set[str]] = defaultdict(set)  # choice set -> "ComponentField" names
    for component, props in _properties(result.get("components", {}).get("schemas", {})):
        for field, schema in props.items():
            schema = schema.get("items", schema) if schema.get("type") == "array" else schema
            if isinstance(schema, dict) and "enum" in schema:
                digest = schema.get("x-spec-enum-id") or plumbing.list_hash(
                    [(v, v) for v in schema["enum"] if v not in ("", None)])
                hashes[field].add(digest)
                base = re.sub(r"(Output|Input|Request)$", "", component)
                owners[digest].add(f"{base}{hooks.camelize(field)}")
    original = plumbing.load_enum_name_overrides()
    named = dict(original)
    used = set(named.values())
    for field_hashes in (h for h in hashes.values() if len(h) > 1):
        for digest in sorted(field_hashes - set(named)):
            name = f"{sorted(owners[digest], key=len)[0]}Enum"
            if name not in used:
                named[digest] = name
                used.add(name)
    hooks.load_enum_name_overrides = lambda: named  # this run only (restored below)
    try:
        return hooks.postprocess_schema_enums(result, generator, **kwargs)
    finally:
        hooks.load_enum_name_overrides = plumbing.load_enum_name_overrides


def _properties(schemas: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(component, its properties) for every object schema, as drf-spectacular walks them."""
    for name, schema in schemas.items():
        component = re.sub(r"^Patched(.+)", r"\1", re.sub(r"(.+)Request$", r"\1", name))
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if node.get("properties"):
                    yield component, node["properties"]
                stack.extend(node.get(k, []) for k in ("oneOf", "allOf", "anyOf"))
