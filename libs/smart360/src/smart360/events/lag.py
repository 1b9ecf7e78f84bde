"""The relay's lag, read from the outbox table when the worker is scraped.

Pending = published, committed, not yet sent to the broker. A relay that keeps up leaves a few
rows for well under a second; a growing count or age means the relay is down or behind. The
query uses the relay's own partial index (unsent rows only). The outbox is platform data, not a
tenant's: the count is across tenants on purpose, like the relay's own query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from smart360.events.models import OutboxEvent

log = logging.getLogger(__name__)


class OutboxLag(Collector):
    """Registered by the events app in the workers of services that publish (see apps.py)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            found = OutboxEvent.objects.filter(sent_at__isnull=True).aggregate(
                pending=Count("id"), oldest=Min("created_at"))
        except Exception as exc:  # a scrape reports what it can; the database may be away
            log.warning("outbox lag not measured: %s", exc)
            return
        finally:
            if not connection.in_atomic_block:
                connection.close()  # a scrape thread keeps no connection between scrapes
        oldest = found["oldest"]
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("smart360_outbox_pending_events",
                                "Outbox events committed and not yet relayed",
                                value=found["pending"])
        yield GaugeMetricFamily("smart360_outbox_oldest_pending_age_seconds",
                                "Age of the oldest outbox event not yet relayed (0 when none)",
                                value=max(age, 0.0))
