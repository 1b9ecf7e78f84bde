"""The organization: the utility itself. Its id IS the tenant id every service scopes by."""

from __future__ import annotations

import uuid

from django.db import models


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="USD")
    date_format = models.CharField(max_length=20, default="YYYY-MM-DD")
    timezone = models.CharField(max_length=64, default="UTC")
    created_by = models.UUIDField(unique=True)  # one organization per founding admin
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.id
