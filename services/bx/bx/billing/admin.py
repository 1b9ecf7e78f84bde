from django.contrib import admin

from bx.billing.models import Bill, BillRun, BillSchedule


@admin.register(BillSchedule)
class BillScheduleAdmin(admin.ModelAdmin):
    list_display = ["cycle_name", "utility_service_id", "period_months", "next_run_on", "active"]
    list_filter = ["active"]


@admin.register(BillRun)
class BillRunAdmin(admin.ModelAdmin):
    list_display = ["utility_service_id", "period_start", "period_end", "status", "billed",
                    "exceptions", "total", "created_at"]
    list_filter = ["status", "dry_run"]


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ["number", "account_number", "period_start", "period_end", "total", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "account_number"]
    raw_id_fields = ["run", "account"]
