"""Events notification turns into messages."""

from __future__ import annotations

from notification.messaging import services
from smart360.contracts.cx import ConsumerCreated
from smart360.events.inbox import Received, subscriber


@subscriber(ConsumerCreated)
def welcome(received: Received[ConsumerCreated]) -> None:
    services.deliveries_create_for_event(received=received)
