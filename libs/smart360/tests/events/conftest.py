from __future__ import annotations

import pytest

from smart360.events import handlers


@pytest.fixture
def received():
    """A handler for demo.thing.happened that records what it saw (and is removed after)."""
    seen: list = []

    def handler(envelope):
        seen.append(envelope)

    handlers.subscriber("demo.thing.happened")(handler)
    yield seen
    handlers._handlers["demo.thing.happened"].remove(handler)
