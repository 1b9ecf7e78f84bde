from django.urls import include, path

from smart360.api.urls import handler400, handler404, handler500, service_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = service_urlpatterns("mx", api=[
    path("", include("mx.meters.urls")),
    path("", include("mx.readings.urls")),
])
