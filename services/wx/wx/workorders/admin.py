from django.contrib import admin

from wx.workorders.models import WorkOrder


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "status", "zone", "due_at", "sla_breached_at"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "zone"]
