"""What beat runs for cx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from cx.service_requests import tasks

JOBS = [
    tasks.sweep_sla_breaches,
]
