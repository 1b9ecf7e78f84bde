"""What beat runs for notification. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from notification.messaging import tasks

JOBS = [
    tasks.sweep_deliveries,  # every minute: backoff is per delivery (next_attempt_at)
    tasks.send_scheduled_messages,
]
