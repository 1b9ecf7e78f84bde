"""Applications API: submit, list and follow, decide at the review stages, attach documents."""

from __future__ import annotations

from typing import ClassVar

from django.http import FileResponse
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cx import fields
from cx.applications import selectors, services
from cx.applications.models import STATUS_STAGES, Application, ApplicationDocument
from cx.binary import FileSchema
from smart360.api import TenantListView, TenantView
from smart360.errors import NotFound, ValidationFailed

SETUP_RULES = (
    "the utility has service areas and a plan configured (409 until then)",
    "the plan and the category belong to the utility service, and the plan is offered to the "
    "category or its parent (400)",
)


class ApplicantOutput(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    email = serializers.CharField(source="applicant_email")
    phone = serializers.CharField(source="applicant_phone")


class ApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    stage = serializers.ChoiceField(Application.Stage.choices)
    status = serializers.ChoiceField(list(STATUS_STAGES))
    applicant = ApplicantOutput(source="*")
    address = serializers.CharField()
    area = serializers.IntegerField()
    utility_service = serializers.IntegerField()
    category = serializers.IntegerField()
    plan = serializers.IntegerField()
    consumer = serializers.IntegerField(source="consumer_id")
    account_number = serializers.CharField(source="account.number", allow_null=True, default=None)
    rejection_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class StepOutput(serializers.Serializer):
    stage = serializers.ChoiceField(Application.Stage.choices)
    by = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApplicationDetailOutput(ApplicationOutput):
    steps = StepOutput(many=True)
    documents = DocumentOutput(many=True)


class ApplicationList(TenantListView):
    module = "cx.applications"
    idempotent = True
    rules = SETUP_RULES
    Output = ApplicationOutput

    class Filters(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=100,
                                       help_text="The exact number or email, or part of the "
                                                 "applicant's name or the address.")
        stage = serializers.ChoiceField(Application.Stage.choices, required=False)
        status = serializers.ChoiceField(list(STATUS_STAGES), required=False)
        area = fields.onboarding_id("area", required=False)
        utility_service = fields.onboarding_id("utility service", required=False)
        consumer = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    class Input(serializers.Serializer):
        class Applicant(serializers.Serializer):
            name = fields.person_name()
            email = fields.email(required=False, allow_blank=True, default="")
            phone = fields.phone(required=False, allow_blank=True, default="")
            locale = fields.locale(default="en")

        applicant = Applicant()
        address = serializers.CharField(max_length=300)
        area = fields.onboarding_id("area")
        utility_service = fields.onboarding_id("utility service")
        category = fields.onboarding_id("category")
        plan = fields.onboarding_id("plan")

    def get(self, request: Request) -> Response:
        return self.page(selectors.application_list(tenant_id=self.tenant_id, **self.filters()))

    def post(self, request: Request) -> Response:
        return self.respond(services.application_create(
            tenant_id=self.tenant_id, by=self.principal.email or self.principal.subject, **self.input()))


class ApplicationDetail(TenantView):
    module = "cx.applications"
    Output = ApplicationDetailOutput

    def get(self, request: Request, pk: int) -> Response:
        application = selectors.application_detail(tenant_id=self.tenant_id, application_id=pk)
        if application is None:  # absent, or another tenant's: the same 404
            raise NotFound("No such application.")
        return self.respond(application)


class ApplicationDecision(TenantView):
    """approve (on to SITE_INSPECTION, or from APPROVAL on to INSTALLATION) or reject, at the
    review stages only; elsewhere a 409 naming the stage and its allowed moves."""

    module = "cx.applications"
    idempotent = True
    rules = ("a rejection gives a reason",)
    Output = ApplicationDetailOutput

    class Input(serializers.Serializer):
        decision = serializers.ChoiceField(["approve", "reject"])
        reason = fields.reason(required=False, allow_blank=True, default="")

    def post(self, request: Request, pk: int) -> Response:
        data = self.input()
        if data["decision"] == "reject" and not data["reason"].strip():
            raise ValidationFailed("A rejection needs a reason.", errors={"reason": "required to reject"})
        services.application_decide(tenant_id=self.tenant_id, application_id=pk,
                                    by=self.principal.email or self.principal.subject, **data)
        return self.respond(selectors.application_detail(tenant_id=self.tenant_id, application_id=pk))


class DocumentList(TenantListView):
    """Upload one document (multipart/form-data: `kind`, `file`), or list them."""

    module = "cx.applications"
    parser_classes: ClassVar[list[type]] = [MultiPartParser]  # type: ignore[misc]
    rules = (
        "the file is a PDF, PNG or JPEG of at most 10 MiB",
        "documents are added until installation (409 after)",
    )
    Output = DocumentOutput

    class Input(serializers.Serializer):
        kind = serializers.RegexField(r"^[a-z][a-z0-9_]{0,39}$",
                                      help_text="e.g. id_proof, address_proof, site_plan")
        file = serializers.FileField(max_length=200, allow_empty_file=False)

    def get(self, request: Request, pk: int) -> Response:
        if not selectors.application_exists(tenant_id=self.tenant_id, application_id=pk):
            raise NotFound("No such application.")
        return self.page(selectors.document_list(tenant_id=self.tenant_id, application_id=pk))

    def post(self, request: Request, pk: int) -> Response:
        data = self.input()
        return self.respond(services.document_add(tenant_id=self.tenant_id, application_id=pk,
                                                  kind=data["kind"], upload=data["file"]))


class DocumentDownload(TenantView):
    """The stored file itself, as uploaded."""

    module = "cx.applications"
    schema = FileSchema()
    media_types = ("application/pdf", "image/png", "image/jpeg")

    def get(self, request: Request, pk: int, document_id: int) -> FileResponse:
        document: ApplicationDocument | None = selectors.document_get(
            tenant_id=self.tenant_id, application_id=pk, document_id=document_id)
        if document is None:
            raise NotFound("No such document.")
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name,
                            content_type=document.content_type)
