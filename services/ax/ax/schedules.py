"""What beat runs for ax. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from ax.covers import tasks as covers
from ax.maintenance import tasks as maintenance

JOBS = [
    # Both hourly: each tenant's day starts at its own midnight, so its periods and reminders go
    # out within the hour after it (and a usage threshold passed at noon within the hour); both
    # jobs are once-only, so the other runs of a day send nothing.
    maintenance.publish_maintenance_due,
    covers.send_cover_reminders,
]
