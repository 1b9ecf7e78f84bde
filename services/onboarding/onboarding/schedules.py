"""What beat runs for onboarding. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from onboarding.tariffs import tasks

JOBS = [
    # Effective dates are whole days: shortly after midnight, well before the first bill run.
    tasks.activate_tariff_versions,
]
