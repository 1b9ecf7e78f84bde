from django.contrib import admin

from onboarding.tariffs.models import Plan, TariffVersion


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "utility_service", "category", "tenant_id"]
    search_fields = ["name"]


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "effective_from", "activated_at"]
    readonly_fields = ["tariff"]  # written through the API, where it is validated
