from django.urls import path

from onboarding.numbering import api

urlpatterns = [
    path("id-formats/", api.IdFormatList.as_view(), name="id-format-list"),
    path("id-formats/<slug:entity>/", api.IdFormatDetail.as_view(), name="id-format-detail"),
    path("id-formats/<slug:entity>/take/", api.NumberTake.as_view(), name="id-format-take"),
]
