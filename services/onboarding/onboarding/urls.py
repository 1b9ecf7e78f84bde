from django.urls import include, path

from smart360.api.urls import handler400, handler404, handler500, service_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = service_urlpatterns("onboarding", api=[
    path("", include("onboarding.organizations.urls")),
    path("", include("onboarding.catalog.urls")),
    path("", include("onboarding.areas.urls")),
    path("", include("onboarding.tariffs.urls")),
    path("", include("onboarding.calendar.urls")),
    path("", include("onboarding.numbering.urls")),
])
