"""Platform tables every service database has, and the base of tenant-owned models."""

from __future__ import annotations

from django.db import models

from smart360.django.plans import PlannedManager


class TenantOwned(models.Model):
    """A row that belongs to one tenant (a utility). Every query filters on tenant_id: selectors
    and services take `tenant_id` as a keyword and filter by it, and the API toolkit gives each
    view the caller's. Another tenant's row is therefore simply not found (404)."""

    tenant_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedManager()  # reads compile their SQL once per shape (django/plans.py)

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
    last_as_of = models.DateField(null=True)  # the date a run was asked to act as of, if any
    last_result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.last_status})"


class IdempotencyKey(models.Model):
    """A POST that carried an Idempotency-Key, and the response it got (kept 24 h per tenant).

    Inserted in the request's own transaction before the work, so a concurrent request with the
    same key waits on the unique index and then finds the stored response.
    """

    tenant_id = models.UUIDField()
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body, hashed
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "key"], name="uniq_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
