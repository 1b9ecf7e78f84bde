from django.urls import path

from onboarding.areas import api

urlpatterns = [
    path("areas/", api.AreaList.as_view(), name="area-list"),
    path("areas/import/", api.AreaImport.as_view(), name="area-import"),
    path("areas/<int:pk>/", api.AreaDetail.as_view(), name="area-detail"),
]
