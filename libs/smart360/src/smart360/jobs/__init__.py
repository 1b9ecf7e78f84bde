"""Scheduled jobs: ONE declaration gives the task, its crontab, `expires`, a JobRun record and
an optional `as_of` date.

    from smart360.jobs.schedule import job

    @job(crontab(minute=0, hour=2))                 # name: "<service>.<function>"
    def age_balances(*, as_of: date | None) -> dict[str, int]:
        ...                                          # as_of None = today, as each tenant sees it

`<service>/schedules.py` lists what beat runs: `JOBS = [collections.jobs.age_balances]`.
Operators run any job now with `smart360 job run SERVICE JOB [--as-of DATE]` or
`POST /<svc>/api/v1/ops/jobs/<name>/run/`; both wait for the worker's answer.
"""
