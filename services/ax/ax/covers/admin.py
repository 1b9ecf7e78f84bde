from django.contrib import admin

from ax.covers.models import InsurancePolicy, MaintenanceContract


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "provider", "starts_on", "ends_on", "value"]
    search_fields = ["reference", "provider"]


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(admin.ModelAdmin):
    list_display = ["policy_number", "provider", "starts_on", "ends_on", "sum_insured"]
    search_fields = ["policy_number", "provider"]
