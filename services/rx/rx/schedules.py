"""What beat runs for rx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from rx.collections import tasks

JOBS = [
    # Nightly, off-peak: aging first, then dunning (which reads the receivables itself).
    tasks.refresh_aging,
    tasks.run_dunning,
]
