"""What beat runs for auth. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from auth.accounts import tasks as accounts
from auth.tokens import tasks as tokens

JOBS = [
    accounts.expire_one_time_tokens,
    tokens.purge_refresh_tokens,
]
