"""Every event notification subscribes to (services.toml) may have templates to send."""

from __future__ import annotations

from notification.messaging import services
from smart360.events import Envelope, subscriber
from smart360.registry import load


def notify(envelope: Envelope) -> None:
    services.deliveries_create_for_event(envelope=envelope)


for _event_type in load().service("notification").subscribes:
    subscriber(_event_type)(notify)
