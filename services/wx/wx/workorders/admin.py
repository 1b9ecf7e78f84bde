from django.contrib import admin

from wx.workorders.models import Area, Sop, Technician, WorkOrder


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "status", "priority", "source", "technician", "due_at",
                    "sla_breached_at"]
    list_filter = ["status", "kind", "priority"]
    search_fields = ["number", "source", "request_key"]
    raw_id_fields = ["technician"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "status", "capacity"]
    list_filter = ["status"]
    search_fields = ["name", "email"]


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    list_display = ["kind", "name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["onboarding_id", "name", "kind", "path"]
