from django.urls import path

from onboarding.catalog import api

urlpatterns = [
    path("utility-services/", api.UtilityServiceList.as_view(), name="utility-service-list"),
    path("utility-services/<int:pk>/", api.UtilityServiceDetail.as_view(),
         name="utility-service-detail"),
    path("categories/", api.CategoryList.as_view(), name="category-list"),
    path("categories/<int:pk>/", api.CategoryDetail.as_view(), name="category-detail"),
    path("document-types/", api.DocumentTypeList.as_view(), name="document-type-list"),
    path("document-types/<int:pk>/", api.DocumentTypeDetail.as_view(), name="document-type-detail"),
    path("contract-types/", api.ContractTypeList.as_view(), name="contract-type-list"),
    path("contract-types/<int:pk>/", api.ContractTypeDetail.as_view(), name="contract-type-detail"),
    path("modules/", api.ModuleList.as_view(), name="module-list"),
    path("modules/<int:pk>/", api.ModuleDetail.as_view(), name="module-detail"),
]
