from __future__ import annotations

import pytest
from demoapp.contracts import ThingCounted, ThingHappened

from smart360.events import inbox


@pytest.fixture
def received():
    """A handler for demo.thing.happened that records what it saw (and is removed after)."""
    seen: list = []

    def handler(item):
        seen.append(item)

    inbox.subscriber(ThingHappened)(handler)
    yield seen
    inbox.unsubscribe(handler)


@pytest.fixture
def counted():
    """A batch handler for demo.thing.counted: one call per batch."""
    batches: list = []

    def handler(batch):
        batches.append(list(batch))

    inbox.subscriber(ThingCounted, batch=True)(handler)
    yield batches
    inbox.unsubscribe(handler)
