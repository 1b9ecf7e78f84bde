from django.urls import path

from ax.covers import api

urlpatterns = [
    path("contracts/", api.ContractList.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", api.ContractDetail.as_view(), name="contract-detail"),
    path("insurance-policies/", api.PolicyList.as_view(), name="policy-list"),
    path("insurance-policies/<int:pk>/", api.PolicyDetail.as_view(), name="policy-detail"),
]
