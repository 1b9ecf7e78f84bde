"""What beat runs for bx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from bx.billing import tasks

JOBS = [
    # Hourly, after onboarding's 00:05 tariff activation: a missed tick costs at most an hour,
    # and a schedule that fell behind catches up one period per tick.
    tasks.fire_scheduled_bill_runs,
    # A killed worker's run resumes within about a minute of its last heartbeat.
    tasks.resume_stalled_bill_runs,
]
