"""Prometheus metrics of every process: web requests and queries, tasks, beat ticks, outbox lag.

- `metrics`: the metric definitions and the exposition (multiprocess-aware).
- `django`: the middleware that times requests by route template and answers /<name>/metrics.
- `celery`: signal hooks for tasks and beats; starts the /metrics `server` of workers and beats.
- `gunicorn`: gunicorn hooks that keep the multiprocess files of one instance coherent.
- `outbox`: the relay's lag, read from the outbox table when scraped.
- `cloudwatch`: the production path (CloudWatch agent), rendered from the registry.
- `tracing`: OpenTelemetry spans across services, off by default (`otel` is its SDK side,
  imported only when on; `spanstore` the local sink in Redis that the console reads).
The local Prometheus's configuration is the stack's (`smart360.stack.prometheus`).
"""
