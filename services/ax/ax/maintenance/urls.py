from django.urls import path

from ax.maintenance import api

urlpatterns = [
    path("maintenance-plans/", api.PlanList.as_view(), name="maintenance-plan-list"),
    path("maintenance-plans/<int:pk>/", api.PlanDetail.as_view(), name="maintenance-plan-detail"),
    path("maintenance-dues/", api.DueList.as_view(), name="maintenance-due-list"),
    path("maintenance-dues/<int:pk>/", api.DueDetail.as_view(), name="maintenance-due-detail"),
]
