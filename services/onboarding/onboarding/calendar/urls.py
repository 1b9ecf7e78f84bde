from django.urls import path

from onboarding.calendar import api

urlpatterns = [
    path("holidays/", api.HolidayList.as_view(), name="holiday-list"),
    path("holidays/<int:pk>/", api.HolidayDetail.as_view(), name="holiday-detail"),
    path("working-hours/", api.WorkingHoursList.as_view(), name="working-hours-list"),
    path("working-hours/<int:pk>/", api.WorkingHoursDetail.as_view(), name="working-hours-detail"),
]
