from django.urls import path

from mx.meters import api

urlpatterns = [
    path("meters/", api.MeterList.as_view(), name="meter-list"),
    path("meters/<int:pk>/", api.MeterDetail.as_view(), name="meter-detail"),
    path("meters/<int:pk>/status/", api.MeterStatus.as_view(), name="meter-status"),
    path("meters/<int:pk>/install/", api.MeterInstall.as_view(), name="meter-install"),
    path("routes/", api.RouteList.as_view(), name="route-list"),
    path("routes/<int:pk>/", api.RouteDetail.as_view(), name="route-detail"),
    path("routes/<int:pk>/meters/", api.RouteMeters.as_view(), name="route-meters"),
]
