from __future__ import annotations

import pytest
from demoapp.contracts import ThingCounted

from smart360.events import inbox


@pytest.fixture
def counted():
    """A batch handler for demo.thing.counted: one call per batch."""
    batches: list = []

    def handler(batch):
        batches.append(list(batch))

    inbox.subscriber(ThingCounted, batch=True)(handler)
    yield batches
    inbox.unsubscribe(handler)
