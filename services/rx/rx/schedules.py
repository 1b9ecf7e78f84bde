"""What beat runs for rx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from rx.collections import tasks

JOBS = [
    # Nightly, off-peak; the dunning run reads the grades this leaves behind.
    tasks.refresh_aging,
]
