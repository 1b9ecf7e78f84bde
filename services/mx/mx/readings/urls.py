from django.urls import path

from mx.readings import api

urlpatterns = [
    path("readings/", api.ReadingList.as_view(), name="reading-list"),
    path("readings/upload/", api.ReadingUpload.as_view(), name="reading-upload"),
    path("readings/validation-rate/", api.ValidationRate.as_view(), name="reading-validation-rate"),
    path("readings/<int:pk>/", api.ReadingDetail.as_view(), name="reading-detail"),
    path("readings/<int:pk>/override/", api.ReadingOverride.as_view(), name="reading-override"),
    path("read-cycles/", api.ReadCycleList.as_view(), name="read-cycle-list"),
    path("read-cycles/<int:pk>/", api.ReadCycleDetail.as_view(), name="read-cycle-detail"),
    path("read-cycles/<int:pk>/status/", api.ReadCycleStatus.as_view(), name="read-cycle-status"),
    path("read-cycles/<int:pk>/dispatch/", api.ReadCycleDispatch.as_view(),
         name="read-cycle-dispatch"),
    path("read-schedules/", api.ReadScheduleList.as_view(), name="read-schedule-list"),
]
