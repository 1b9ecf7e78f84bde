"""Reads of applications (always inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q, QuerySet

from cx.applications.models import STATUS_STAGES, Application, ApplicationDocument, ApplicationStep


def application_list(*, tenant_id: uuid.UUID, search: str = "", stage: str = "", status: str = "",
                     area: int | None = None, utility_service: int | None = None,
                     consumer: int | None = None) -> QuerySet[Application]:
    rows = Application.objects.filter(tenant_id=tenant_id).select_related("account")
    if search:
        rows = rows.filter(Q(number__iexact=search) | Q(applicant_name__icontains=search)
                           | Q(applicant_email__iexact=search) | Q(address__icontains=search))
    if status:
        rows = rows.filter(stage__in=STATUS_STAGES[status])
    filters = {"stage": stage, "area": area, "utility_service": utility_service,
               "consumer_id": consumer}
    return rows.filter(**{k: v for k, v in filters.items() if v not in (None, "")})


def application_detail(*, tenant_id: uuid.UUID, application_id: int) -> Application | None:
    """With its steps and documents (three queries in all)."""
    return (Application.objects.filter(tenant_id=tenant_id, pk=application_id)
            .select_related("account")
            .prefetch_related(Prefetch("steps", queryset=ApplicationStep.objects.order_by("id")),
                              Prefetch("documents", queryset=ApplicationDocument.objects.order_by("id")))
            .first())


def document_list(*, tenant_id: uuid.UUID, application_id: int) -> QuerySet[ApplicationDocument]:
    return ApplicationDocument.objects.filter(tenant_id=tenant_id, application_id=application_id)


def document_get(*, tenant_id: uuid.UUID, application_id: int, document_id: int
                 ) -> ApplicationDocument | None:
    return document_list(tenant_id=tenant_id, application_id=application_id).filter(pk=document_id).first()


def application_exists(*, tenant_id: uuid.UUID, application_id: int) -> bool:
    return Application.objects.filter(tenant_id=tenant_id, pk=application_id).exists()
