"""Endpoints every service serves besides its own: who am I, and the operations API (its jobs,
run one now, its dead-lettered events and their replay)."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from smart360.api.views import PlatformView, SignedInView
from smart360.conf import service_name
from smart360.django.models import JobRun
from smart360.errors import Conflict, NotFound
from smart360.events.inbox import replay_dead
from smart360.events.models import InboxEvent
from smart360.jobs.schedule import JobSpec, job_run_now, service_jobs
from smart360.registry import load


class WhoAmI(SignedInView):
    class Output(serializers.Serializer):
        subject = serializers.CharField()
        email = serializers.CharField()
        tenant = serializers.UUIDField(allow_null=True)
        roles = serializers.ListField(child=serializers.CharField())
        permissions = serializers.ListField(child=serializers.CharField())
        kind = serializers.ChoiceField(choices=["user", "service"])

    def get(self, request: Request) -> Response:
        return self.respond(self.principal.as_dict())


class JobOutput(serializers.Serializer):
    name = serializers.CharField()
    schedule = serializers.CharField()
    expires = serializers.IntegerField()
    takes_as_of = serializers.BooleanField()
    runs = serializers.IntegerField()
    last_status = serializers.CharField(allow_null=True)
    last_started_at = serializers.DateTimeField(allow_null=True)
    last_finished_at = serializers.DateTimeField(allow_null=True)
    last_as_of = serializers.DateField(allow_null=True)
    last_result = serializers.JSONField(allow_null=True)


def _jobs() -> dict[str, JobSpec]:
    return {spec.name: spec for spec in service_jobs(load().service(service_name()))}


def _job_row(spec: JobSpec, run: JobRun | None) -> dict[str, Any]:
    c = spec.schedule
    return {
        "name": spec.name,
        "schedule": f"{c._orig_minute} {c._orig_hour} {c._orig_day_of_month} "
                    f"{c._orig_month_of_year} {c._orig_day_of_week}",
        "expires": spec.expires, "takes_as_of": spec.takes_as_of,
        "runs": run.runs if run else 0,
        "last_status": run.last_status if run else None,
        "last_started_at": run.last_started_at if run else None,
        "last_finished_at": run.last_finished_at if run else None,
        "last_as_of": run.last_as_of if run else None,
        "last_result": run.last_result if run else None,
    }


class JobList(PlatformView):
    """This service's scheduled jobs (its own and the platform's) and how each last ran."""

    class Output(serializers.Serializer):
        results = JobOutput(many=True)

    def get(self, request: Request) -> Response:
        specs = _jobs()
        runs = {r.name: r for r in JobRun.objects.filter(name__in=list(specs))}
        return self.respond({"results": [_job_row(s, runs.get(n)) for n, s in specs.items()]})


class JobDetail(PlatformView):
    Output = JobOutput

    def get(self, request: Request, name: str) -> Response:
        spec = _jobs().get(name)
        if spec is None:
            raise NotFound(f"{service_name()} has no job {name!r}.")
        return self.respond(_job_row(spec, JobRun.objects.filter(name=name).first()))


class JobRunNow(PlatformView):
    """Run a job now on this service's worker (as of a date, if it takes one) and wait."""

    class Input(serializers.Serializer):
        as_of = serializers.DateField(required=False, allow_null=True)
        wait_seconds = serializers.IntegerField(min_value=0, max_value=300, default=60)

    class Output(serializers.Serializer):
        name = serializers.CharField()
        task_id = serializers.CharField()
        status = serializers.ChoiceField(["ok", "failed", "running", "queued"])
        result = serializers.JSONField(allow_null=True)

    def post(self, request: Request, name: str) -> Response:
        data = self.input()
        spec = _jobs().get(name)
        if spec is None:
            raise NotFound(f"{service_name()} has no job {name!r}.")
        as_of = data.get("as_of")
        if as_of and not spec.takes_as_of:
            raise Conflict(f"{name} does not take an as_of date.", code="job_takes_no_date")
        return self.respond(job_run_now(spec, as_of=as_of.isoformat() if as_of else None,
                                        wait_seconds=data["wait_seconds"]))


class DeadLetterOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    error = serializers.CharField()
    received_at = serializers.DateTimeField()
    replays = serializers.IntegerField()
    envelope = serializers.JSONField()


class DeadLetterList(PlatformView):
    """Events this service parked: no handler, a broken payload, or a handler that kept failing."""

    lists = True
    ordering = "-received_at"
    model = InboxEvent
    Output = DeadLetterOutput

    def get(self, request: Request) -> Response:
        return self.page(InboxEvent.objects.filter(status=InboxEvent.Status.DEAD))


class DeadLetterReplay(PlatformView):
    """Handle a dead letter again; if the handler fails again it stays parked (409)."""

    class Output(serializers.Serializer):
        id = serializers.UUIDField()
        status = serializers.ChoiceField(["handled"])

    def post(self, request: Request, event_id: uuid.UUID) -> Response:
        try:
            replay_dead(event_id)
        except InboxEvent.DoesNotExist:
            raise NotFound(f"No dead letter {event_id}.") from None
        except Exception as exc:
            raise Conflict(f"The handler failed again: {type(exc).__name__}: {exc}",
                           code="replay_failed") from exc
        return self.respond({"id": event_id, "status": "handled"})
