"""What beat runs for ax. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from ax.assets import tasks

JOBS = [
    # Contract ends are whole days: once a day, early, so reminders are out by office hours.
    tasks.flag_expiring_contracts,
]
