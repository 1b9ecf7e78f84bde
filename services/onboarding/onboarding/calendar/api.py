"""Calendar API: holidays, and working hours per weekday."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from onboarding.calendar import selectors, services
from onboarding.calendar.models import Holiday, WorkingHours
from onboarding.common import clock
from smart360.api import TenantListView, TenantView


class HolidayOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class HolidayList(TenantListView):
    module = "onboarding.calendar"
    Output = HolidayOutput
    errors = (409,)

    class Filters(serializers.Serializer):
        year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
        after = serializers.DateField(required=False, help_text="On or after this date.")

    class Input(serializers.Serializer):
        date = serializers.DateField()
        name = serializers.CharField(max_length=200)

    def get(self, request: Request) -> Response:
        return self.page(selectors.holiday_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.holiday_create(tenant_id=self.tenant_id, **self.input()))


class HolidayDetail(TenantView):
    module = "onboarding.calendar"

    def delete(self, request: Request, pk: int) -> Response:
        services.calendar_row_delete(Holiday, tenant_id=self.tenant_id, pk=pk)
        return self.respond()


class WorkingHoursOutput(serializers.Serializer):
    id = serializers.IntegerField()
    weekday = serializers.IntegerField(help_text="0 Monday … 6 Sunday.")
    opens = serializers.CharField(help_text="Local time, HH:MM:SS.")
    closes = serializers.CharField(help_text="Local time, HH:MM:SS.")


class WorkingHoursList(TenantListView):
    """POST sets a weekday's hours (replacing what it had)."""

    module = "onboarding.calendar"
    Output = WorkingHoursOutput
    rules = ("opens is before closes",)

    class Input(serializers.Serializer):
        weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday … 6 Sunday.")
        opens = clock()
        closes = clock()

    def get(self, request: Request) -> Response:
        return self.page(selectors.working_hours_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.working_hours_set(tenant_id=self.tenant_id, **self.input()))


class WorkingHoursDetail(TenantView):
    module = "onboarding.calendar"

    def delete(self, request: Request, pk: int) -> Response:
        services.calendar_row_delete(WorkingHours, tenant_id=self.tenant_id, pk=pk)
        return self.respond()
