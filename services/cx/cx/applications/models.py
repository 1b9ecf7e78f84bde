"""Applications for a new connection, the steps they took, and their documents."""

from __future__ import annotations

from django.db import models

from cx.consumers.models import Account, Consumer
from smart360.django.models import TenantOwned


class Application(TenantOwned):
    class Stage(models.TextChoices):
        APPLICATION_REVIEW = "APPLICATION_REVIEW"
        SITE_INSPECTION = "SITE_INSPECTION"
        APPROVAL = "APPROVAL"
        INSTALLATION = "INSTALLATION"
        ACTIVATION = "ACTIVATION"
        FOLLOW_UP = "FOLLOW_UP"
        REJECTED = "REJECTED"

    number = models.CharField(max_length=40)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.APPLICATION_REVIEW)
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="applications")
    account = models.OneToOneField(Account, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="application")
    applicant_name = models.CharField(max_length=200)
    applicant_email = models.EmailField(blank=True)
    applicant_phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300)
    # onboarding's ids, as the setup projections hold them
    area = models.BigIntegerField()
    utility_service = models.BigIntegerField()
    category = models.BigIntegerField()
    plan = models.BigIntegerField()
    installation_attempts = models.PositiveSmallIntegerField(default=0)
    rejection_reason = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_application_number")
        ]
        indexes = [models.Index(fields=["tenant_id", "stage"], name="application_tenant_stage_idx")]

    @property
    def status(self) -> str:
        """What the application waits for: a decision, field work, nothing (CONNECTED, REJECTED)."""
        return next(status for status, stages in STATUS_STAGES.items() if self.stage in stages)

    def __str__(self) -> str:
        return f"{self.number} ({self.stage})"


_S = Application.Stage
STATUS_STAGES: dict[str, tuple[str, ...]] = {
    "AWAITING_DECISION": (_S.APPLICATION_REVIEW, _S.APPROVAL),
    "AWAITING_FIELD_WORK": (_S.SITE_INSPECTION, _S.INSTALLATION),
    "ACTIVATING": (_S.ACTIVATION,),
    "CONNECTED": (_S.FOLLOW_UP,),
    "REJECTED": (_S.REJECTED,),
}


class ApplicationStep(models.Model):
    """One move of an application: who or what moved it, and why (the audit trail)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=Application.Stage.choices)
    by = models.CharField(max_length=200)  # a user id, or the work order that moved it
    note = models.CharField(max_length=2000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.stage}"


class ApplicationDocument(TenantOwned):
    """A file attached to an application (an ID, a proof of address, a site plan), kept in the
    configured storage (filesystem locally, S3 in production); served only through the API."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=40)
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=200)  # the uploaded file's name
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
