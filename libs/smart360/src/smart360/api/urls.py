"""URL layout every service shares, mounted under its registry prefix (the ALB does not rewrite).

/<name>/api/v1/...  the service's API      /<name>/api/schema/  OpenAPI
/<name>/api/docs/   Swagger UI             /<name>/admin/       Django admin
/<name>/api/v1/whoami/, /<name>/api/v1/ops/...  the platform's own endpoints
/<name>/healthz, /<name>/readyz are answered by HealthCheckMiddleware.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from smart360.api import platform
from smart360.django import views
from smart360.registry import load

PLATFORM_API = [
    path("ping/", views.ping, name="ping"),
    path("whoami/", platform.WhoAmI.as_view(), name="whoami"),
    path("ops/jobs/", platform.JobList.as_view(), name="ops-jobs"),
    path("ops/jobs/<str:name>/", platform.JobDetail.as_view(), name="ops-job"),
    path("ops/jobs/<str:name>/run/", platform.JobRunNow.as_view(), name="ops-job-run"),
    path("ops/events/dead/", platform.DeadLetterList.as_view(), name="ops-dead-letters"),
    path("ops/events/dead/<uuid:event_id>/replay/", platform.DeadLetterReplay.as_view(),
         name="ops-dead-letter-replay"),
]


def service_urlpatterns(
    service: str, api: list[URLPattern | URLResolver]
) -> list[URLPattern | URLResolver]:
    prefix = load().service(service).prefix.strip("/")
    schema_name = f"{service}-schema"
    return [
        path(
            f"{prefix}/",
            include(
                [
                    path("api/v1/", include(api)),
                    path("api/v1/", include(PLATFORM_API)),
                    path("api/schema/", SpectacularAPIView.as_view(), name=schema_name),
                    path(
                        "api/docs/",
                        SpectacularSwaggerView.as_view(url_name=schema_name),
                        name=f"{service}-docs",
                    ),
                    path("admin/", admin.site.urls),
                ]
            ),
        )
    ]


handler404 = "smart360.errors.not_found"
handler500 = "smart360.errors.server_error"
handler400 = "smart360.errors.bad_request"
