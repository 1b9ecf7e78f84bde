"""Queue depth per service, published by beat to CloudWatch: the metric workers scale on.

Beat (always exactly one task) measures, so a worker service at 0 tasks still gets a signal
when work arrives. Only in AWS: the task definition sets SMART360_QUEUE_METRICS_NAMESPACE and
SMART360_CLUSTER; elsewhere nothing is published. A failure to publish is logged and never
stops the beat.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from typing import Any

import redis

log = logging.getLogger(__name__)

PUBLISH_EVERY_SECONDS = 60
QUEUE_METRICS_NAMESPACE = "Smart360/Queues"  # the CDK's scaling alarms read the same names
QUEUE_DEPTH_METRIC = "QueueDepth"
# kombu's Redis transport keeps messages of priority > 0 in lists named <queue>\x06\x16<n>.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)


def depth(client: redis.Redis, queues: Iterable[str]) -> int:
    """Messages waiting in the service's queues (not the ones a worker is running)."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        pipe.llen(queue)
        for step in PRIORITY_STEPS:
            pipe.llen(f"{queue}{PRIORITY_SEPARATOR}{step}")
    return int(sum(pipe.execute()))


def metric_data(cluster: str, service: str, waiting: int) -> list[dict[str, Any]]:
    return [{"MetricName": QUEUE_DEPTH_METRIC, "Unit": "Count", "Value": float(waiting),
             "Dimensions": [{"Name": "ClusterName", "Value": cluster},
                            {"Name": "ServiceName", "Value": service}]}]


class Publisher:
    """Called on every beat tick; publishes at most once a minute."""

    def __init__(self, service: str, queues: Iterable[str], *, cloudwatch: Any = None,
                 environ: dict[str, str] | None = None, clock: Any = time.monotonic) -> None:
        environ = dict(os.environ) if environ is None else environ
        self.service = service
        self.queues = tuple(queues)
        self.namespace = environ.get("SMART360_QUEUE_METRICS_NAMESPACE", "")
        self.cluster = environ.get("SMART360_CLUSTER", "")
        self.cloudwatch = cloudwatch
        self.clock = clock
        self.last: float | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.namespace and self.cluster)

    def tick(self, client: redis.Redis) -> int | None:
        """Publish when due; the depth published, or None when nothing was sent."""
        if not self.enabled:
            return None
        now = self.clock()
        if self.last is not None and now - self.last < PUBLISH_EVERY_SECONDS:
            return None
        self.last = now
        try:
            waiting = depth(client, self.queues)
            if self.cloudwatch is None:
                import boto3

                self.cloudwatch = boto3.client("cloudwatch")
            self.cloudwatch.put_metric_data(Namespace=self.namespace,
                                            MetricData=metric_data(self.cluster, self.service,
                                                                   waiting))
        except Exception:  # the schedule matters more than the metric
            log.exception("could not publish the queue depth of %s", self.service)
            return None
        return waiting
