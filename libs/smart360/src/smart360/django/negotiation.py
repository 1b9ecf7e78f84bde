"""Content negotiation for JSON-only APIs."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Every service API speaks JSON only: answer with it without parsing the Accept header
    (DRF's parser was 5 % of a one-row GET). Parsers are still chosen by Content-Type."""

    def select_renderer(self, request: Request, renderers: list[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[BaseRenderer, str]:
        if len(renderers) != 1 or format_suffix:  # e.g. the schema view offers YAML and JSON
            result: tuple[Any, str] = super().select_renderer(request, renderers, format_suffix)
            return result
        return renderers[0], renderers[0].media_type
