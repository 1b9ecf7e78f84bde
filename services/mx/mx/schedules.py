"""What beat runs for mx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from mx.readings import tasks

JOBS = [
    # Hourly, each in the tenant's own calendar: a missed tick is made good within the hour, and
    # a schedule that fell behind catches up one period per tick.
    tasks.open_read_cycles,
    tasks.mark_overdue_read_cycles,
    tasks.mark_missing_readings,
]
