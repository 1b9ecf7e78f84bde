"""Fixtures the library's test folders share."""

from __future__ import annotations

import pytest
from demoapp.contracts import ThingHappened

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
