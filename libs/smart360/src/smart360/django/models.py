"""Platform tables every service database has, and the base of tenant-owned models."""

from __future__ import annotations

from django.db import models


class TenantOwned(models.Model):
    """A row that belongs to one tenant (a utility). Every query is filtered by tenant_id."""

    tenant_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class JobRun(models.Model):
    """The last run of each scheduled job of this service: what beat fired and how it went."""

    class Status(models.TextChoices):
        RUNNING = "running"
        OK = "ok"
        FAILED = "failed"

    name = models.CharField(max_length=100, unique=True)
    runs = models.PositiveIntegerField(default=0)
    last_status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.last_status})"
