"""The service-area hierarchy: region → zone → area → sub-area, each under the level above."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned

KINDS = ("region", "zone", "area", "sub_area")  # top to bottom


class Area(TenantOwned):
    class Kind(models.TextChoices):
        REGION = "region"
        ZONE = "zone"
        AREA = "area"
        SUB_AREA = "sub_area"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField(max_length=500)  # names from the region down: "North/Z1/Hilltop"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "path"], name="uniq_area_path"),
        ]

    def __str__(self) -> str:
        return self.path


def parent_kind(kind: str) -> str | None:
    """The kind an area of `kind` hangs under (None: a region, at the top)."""
    level = KINDS.index(kind)
    return KINDS[level - 1] if level else None
