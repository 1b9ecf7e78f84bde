"""A GET that answers a file, not JSON: documented as the file's media types (and the usual
problems), served straight from storage."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes

from smart360.api.schema import AutoSchema


class FileSchema(AutoSchema):
    """The view's `media_types` are its 200 responses (binary); errors stay problem+json."""

    def get_response_serializers(self) -> Any:
        responses = super().get_response_serializers()
        if self.method != "GET":
            return responses
        responses.pop(204, None)
        responses.pop(200, None)
        for media_type in getattr(self.view, "media_types", ()):
            responses[(200, media_type)] = OpenApiTypes.BINARY
        return responses
