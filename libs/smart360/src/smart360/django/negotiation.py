"""Content negotiation for JSON-only APIs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Every service API speaks JSON only: answer with it without parsing the Accept header
    (DRF's parser was 5 % of a one-row GET). Parsers are still chosen by Content-Type."""

    def select_renderer(self, request: Request, renderers: Iterable[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        offered = list(renderers)
        if len(offered) != 1 or format_suffix:  # e.g. the schema view offers YAML and JSON
            result: tuple[Any, str] = super().select_renderer(request, offered, format_suffix)
            return result
        return offered[0], offered[0].media_type
