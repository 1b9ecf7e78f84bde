from django.contrib import admin

from mx.meters.models import Meter, Route


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = ["serial", "status", "account_number", "area_ref", "last_value", "last_read_at"]
    list_filter = ["status", "utility_service"]
    search_fields = ["serial", "account_number"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area_ref", "utility_service", "reader"]
