from django.urls import include, path

from smart360.api.urls import handler400, handler404, handler500, service_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = service_urlpatterns("ax", api=[
    path("", include("ax.assets.urls")),
    path("", include("ax.covers.urls")),
    path("", include("ax.maintenance.urls")),
    path("", include("ax.kpis.urls")),
])
