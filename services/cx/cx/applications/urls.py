from django.urls import path

from cx.applications import api

urlpatterns = [
    path("applications/", api.ApplicationList.as_view(), name="application-list"),
    path("applications/<int:pk>/", api.ApplicationDetail.as_view(), name="application-detail"),
    path("applications/<int:pk>/decision/", api.ApplicationDecision.as_view(),
         name="application-decision"),
    path("applications/<int:pk>/documents/", api.DocumentList.as_view(), name="application-documents"),
    path("applications/<int:pk>/documents/<int:document_id>/download/", api.DocumentDownload.as_view(),
         name="application-document-download"),
]
