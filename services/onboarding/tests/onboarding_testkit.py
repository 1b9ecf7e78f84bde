"""Helpers the onboarding tests share: the API root, posting, the outbox's events, a tariff."""

from __future__ import annotations

import uuid
from typing import Any

from smart360.events.models import OutboxEvent
from smart360.testing.factories import TENANT

API = "/onboarding/api/v1/"


def events(event_type: str, tenant_id: uuid.UUID = TENANT) -> list[dict[str, Any]]:
    """The tenant's outbox rows of a type (the contract's live server shares the database)."""
    return [e.payload for e in OutboxEvent.objects.filter(type=event_type, tenant_id=tenant_id)
            .order_by("created_at", "id")]


def post(client: Any, path: str, body: dict[str, Any], status: int = 201, **kwargs: Any
         ) -> dict[str, Any]:
    response = client.post(API + path, body, format="json", **kwargs)
    assert response.status_code == status, response.json()
    return response.json()


SLAB_TARIFF = {"kind": "slab", "effective_from": "2025-01-01", "fixed_charge": "15.00",
               "slabs": [{"up_to": "300", "rate": "0.08"}, {"up_to": "600", "rate": "0.12"},
                         {"up_to": None, "rate": "0.16"}], "tax_rate": "0"}
