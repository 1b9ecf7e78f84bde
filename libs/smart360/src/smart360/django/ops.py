"""Operations API every service serves: its scheduled jobs and their last runs."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView

from smart360.django.models import JobRun
from smart360.django.serializers import ModelSerializer
from smart360.identity.permissions import IsOpsOrStaff


class JobRunSerializer(ModelSerializer):
    class Meta:
        model = JobRun
        fields = ["name", "runs", "last_status", "last_started_at", "last_finished_at",
                  "last_result"]


@extend_schema(tags=["ops"])
class JobRunList(ListAPIView):
    permission_classes = [IsOpsOrStaff]
    serializer_class = JobRunSerializer
    queryset = JobRun.objects.all()


@extend_schema(tags=["ops"])
class JobRunDetail(RetrieveAPIView):
    permission_classes = [IsOpsOrStaff]
    serializer_class = JobRunSerializer
    queryset = JobRun.objects.all()
    lookup_field = "name"


urlpatterns = [
    path("ops/jobs/", JobRunList.as_view(), name="jobrun-list"),
    path("ops/jobs/<str:name>/", JobRunDetail.as_view(), name="jobrun-detail"),
]
