from django.urls import path

from ax.assets import api

urlpatterns = [
    path("plants/", api.PlantList.as_view(), name="plant-list"),
    path("plants/<int:pk>/", api.PlantDetail.as_view(), name="plant-detail"),
    path("units/", api.UnitList.as_view(), name="unit-list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="unit-detail"),
    path("asset-categories/", api.CategoryList.as_view(), name="asset-category-list"),
    path("asset-types/", api.AssetTypeList.as_view(), name="asset-type-list"),
    path("assets/", api.AssetList.as_view(), name="asset-list"),
    path("assets/<int:pk>/", api.AssetDetail.as_view(), name="asset-detail"),
    path("assets/<int:pk>/status/", api.AssetStatus.as_view(), name="asset-status"),
    path("assets/<int:pk>/assessments/", api.AssetAssessments.as_view(), name="asset-assessments"),
    path("assets/<int:pk>/history/", api.AssetHistory.as_view(), name="asset-history"),
    path("assets/<int:pk>/usage/", api.AssetUsage.as_view(), name="asset-usage"),
]
