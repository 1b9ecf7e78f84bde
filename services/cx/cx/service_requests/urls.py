from django.urls import path

from cx.service_requests import api

urlpatterns = [
    path("service-catalog/", api.CatalogList.as_view(), name="catalog-list"),
    path("service-catalog/<int:pk>/", api.CatalogDetail.as_view(), name="catalog-detail"),
    path("service-requests/", api.ServiceRequestList.as_view(), name="service-request-list"),
    path("service-requests/<int:pk>/", api.ServiceRequestDetail.as_view(), name="service-request-detail"),
    path("service-requests/<int:pk>/status/", api.ServiceRequestMove.as_view(),
         name="service-request-move"),
    path("complaints/", api.ComplaintList.as_view(), name="complaint-list"),
    path("complaints/<int:pk>/", api.ComplaintDetail.as_view(), name="complaint-detail"),
    path("complaints/<int:pk>/status/", api.ComplaintMove.as_view(), name="complaint-move"),
]
