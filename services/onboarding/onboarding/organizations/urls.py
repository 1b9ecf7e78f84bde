from django.urls import path

from onboarding.organizations import api

urlpatterns = [
    path("organizations/", api.OrganizationCreate.as_view(), name="organization-create"),
    path("organizations/current/", api.OrganizationCurrent.as_view(), name="organization-current"),
    path("organizations/<uuid:pk>/", api.OrganizationDetail.as_view(), name="organization-detail"),
]
urlpatterns += [
    path("setup-progress/", api.SetupProgress.as_view(), name="setup-progress"),
]
