from django.contrib import admin

from ax.maintenance.models import MaintenanceDue, MaintenancePlan


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(admin.ModelAdmin):
    list_display = ["name", "asset", "kind", "interval", "next_due_on", "next_due_usage", "active"]
    list_filter = ["kind", "active"]


@admin.register(MaintenanceDue)
class MaintenanceDueAdmin(admin.ModelAdmin):
    list_display = ["request_key", "due_on", "status"]
    list_filter = ["status"]
