"""`manage.py jobs list [--json]` and `manage.py jobs run NAME [--as-of DATE] [--wait S]`.

A run is sent to this service's worker (the one that runs it at night) and waited for.
`smart360 job run SERVICE JOB` calls this against the running stack.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smart360.conf import service_name
from smart360.django.models import JobRun
from smart360.jobs.schedule import job_run_now, service_jobs
from smart360.registry import load


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the scheduled jobs and their last runs")
        listing.add_argument("--json", action="store_true")
        run = sub.add_parser("run", help="run a job now on the worker and wait for it")
        run.add_argument("name")
        run.add_argument("--as-of", type=date.fromisoformat, default=None)
        run.add_argument("--wait", type=float, default=300.0)

    def handle(self, *args: Any, **options: Any) -> None:
        specs = {s.name: s for s in service_jobs(load().service(service_name()))}
        if options["action"] == "list":
            runs = {r.name: r for r in JobRun.objects.filter(name__in=list(specs))}
            rows = [{"name": n, "expires": s.expires, "takes_as_of": s.takes_as_of,
                     "runs": runs[n].runs if n in runs else 0,
                     "last_status": runs[n].last_status if n in runs else None,
                     "last_result": runs[n].last_result if n in runs else None}
                    for n, s in specs.items()]
            self.stdout.write(json.dumps(rows) if options["json"] else
                              "\n".join(f"{r['name']:<45} runs {r['runs']:<4} {r['last_status'] or '-'}"
                                        for r in rows))
            return
        name = options["name"]
        spec = specs.get(name) or specs.get(f"{service_name()}.{name}")
        if spec is None:
            raise CommandError(f"{service_name()} has no job {name!r}; it has: {', '.join(specs)}")
        if options["as_of"] and not spec.takes_as_of:
            raise CommandError(f"{spec.name} does not take an as-of date")
        as_of = options["as_of"].isoformat() if options["as_of"] else None
        outcome = job_run_now(spec, as_of=as_of, wait_seconds=options["wait"])
        self.stdout.write(json.dumps(outcome, default=str))
        if outcome["status"] != "ok":
            raise CommandError(f"{spec.name}: {outcome['status']}")
