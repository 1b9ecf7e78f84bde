from django.contrib import admin

from mx.readings.models import ReadCycle


@admin.register(ReadCycle)
class ReadCycleAdmin(admin.ModelAdmin):
    list_display = ["name", "area_ref", "utility_service", "scheduled_start_on", "due_on", "status"]
    list_filter = ["status", "utility_service"]
