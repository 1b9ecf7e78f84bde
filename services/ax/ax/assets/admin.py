from django.contrib import admin

from ax.assets.models import Asset, MaintenanceContract


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["tag", "name", "category", "plant", "condition"]
    list_filter = ["condition", "category"]
    search_fields = ["tag", "name"]


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "asset", "vendor", "starts_on", "ends_on", "expiry_flagged_on"]
    search_fields = ["reference", "vendor"]
