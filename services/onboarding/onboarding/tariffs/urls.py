from django.urls import path

from onboarding.tariffs import api

urlpatterns = [
    path("plans/", api.PlanList.as_view(), name="plan-list"),
    path("plans/<int:pk>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<int:pk>/versions/", api.VersionList.as_view(), name="plan-versions"),
]
