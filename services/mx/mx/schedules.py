"""What beat runs for mx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from mx.readings import tasks

JOBS = [
    # Due dates are whole days; hourly so a missed tick is made good within the hour.
    tasks.mark_overdue_read_cycles,
]
