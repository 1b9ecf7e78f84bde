from django.contrib import admin

from ax.assets.models import Asset, AssetCategory, AssetType, Plant, Unit


@admin.register(Plant)
class PlantAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area_id"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plant"]
    search_fields = ["code", "name"]


@admin.register(AssetCategory)
class AssetCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(AssetType)
class AssetTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["tag", "name", "unit", "asset_type", "status", "condition"]
    list_filter = ["status", "condition"]
    search_fields = ["tag", "name", "serial_number"]
