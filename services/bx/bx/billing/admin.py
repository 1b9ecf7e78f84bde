from django.contrib import admin

from bx.billing.models import BillRun, BillSchedule


@admin.register(BillSchedule)
class BillScheduleAdmin(admin.ModelAdmin):
    list_display = ["cycle_name", "utility_service", "period_months", "next_run_on", "active"]
    list_filter = ["active", "utility_service"]


@admin.register(BillRun)
class BillRunAdmin(admin.ModelAdmin):
    list_display = ["schedule", "period_start", "period_end", "status", "created_at"]
    list_filter = ["status"]
