from django.contrib import admin

from onboarding.tariffs.models import Tariff, TariffVersion


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "utility_service", "kind", "tenant_id"]
    search_fields = ["code", "name"]


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    list_display = ["tariff", "number", "effective_from", "status", "activated_at"]
    list_filter = ["status"]
