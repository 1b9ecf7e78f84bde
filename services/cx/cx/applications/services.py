"""Writes of applications: submission, decisions, the field work's outcomes, documents.

    APPLICATION_REVIEW ─approve→ SITE_INSPECTION ─inspection pass→ APPROVAL ─approve→ INSTALLATION
      ─installation pass→ ACTIVATION → FOLLOW_UP
    reject at APPLICATION_REVIEW or APPROVAL, or a failed inspection → REJECTED

Entering SITE_INSPECTION or INSTALLATION asks wx for the work order (`cx.workorder.requested`,
one per request_key); its completion (`wx.workorder.completed`) moves the application on.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from cx import numbers
from cx.applications.models import Application, ApplicationDocument, ApplicationStep
from cx.consumers import services as consumers
from cx.consumers.models import Consumer
from cx.setup.models import UtilityService
from cx.setup.selectors import connection_setup
from smart360.contracts.cx import WorkOrderRequested
from smart360.contracts.wx import WorkOrderCompleted
from smart360.domain.models import TenantProfile
from smart360.domain.money import quantity
from smart360.domain.states import StateMachine
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish
from smart360.logging import get_logger

log = get_logger(__name__)
St = Application.Stage
STAGES = StateMachine("application", {
    St.APPLICATION_REVIEW: (St.SITE_INSPECTION, St.REJECTED),
    St.SITE_INSPECTION: (St.APPROVAL, St.REJECTED),
    St.APPROVAL: (St.INSTALLATION, St.REJECTED),
    St.INSTALLATION: (St.ACTIVATION,),
    St.ACTIVATION: (St.FOLLOW_UP,),
})
APPROVE_TO: dict[str, str] = {St.APPLICATION_REVIEW: St.SITE_INSPECTION, St.APPROVAL: St.INSTALLATION}
MOVED_BY_FIELD_WORK: dict[str, str] = {St.SITE_INSPECTION: "SITE_INSPECTION", St.INSTALLATION: "INSTALLATION"}
SETUP_POLL_SECONDS = 0.2
DOCUMENT_STAGES = (St.APPLICATION_REVIEW, St.SITE_INSPECTION, St.APPROVAL, St.INSTALLATION)
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {b"%PDF-": ("application/pdf", ".pdf"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
                  b"\xff\xd8\xff": ("image/jpeg", ".jpg")}


def _rows(tenant_id: uuid.UUID, application_id: int) -> QuerySet[Application]:
    return Application.objects.filter(tenant_id=tenant_id, pk=application_id)


def _locked(tenant_id: uuid.UUID, application_id: int) -> Application:
    application = _rows(tenant_id, application_id).select_for_update().first()
    if application is None:  # absent, or another tenant's
        raise NotFound("No such application.")
    return application


def _step(application: Application, stage: str, by: str, note: str = "") -> None:
    ApplicationStep.objects.create(application=application, stage=stage, by=by[:200], note=note[:2000])


def _installation_key(application: Application) -> str:
    """The first installation's key is `{number}:INSTALLATION`; a repeat after a failed one
    gets the attempt number (wx makes one work order per key)."""
    key = f"{application.number}:INSTALLATION"
    return key if application.installation_attempts <= 1 else f"{key}:{application.installation_attempts}"


def _request_work(application: Application, kind: str, request_key: str, description: str) -> None:
    publish(WorkOrderRequested(
        request_key=request_key, kind=kind, source=application.number, area_id=application.area,
        address=application.address, description=description, consumer_id=application.consumer_id),
        tenant_id=application.tenant_id)


# -- submission and decisions ------------------------------------------------------------------
def _setup_projected(*, tenant_id: uuid.UUID, utility_service: int, area: int, category: int,
                     plan: int) -> None:
    """The configuration an application refers to, as projected here. onboarding's events take a
    moment to arrive: a utility configured a second ago may not be projected yet. So an organization
    this service already knows (its profile projected) gets a short, bounded wait on a miss before
    the 404 or 409; an unknown tenant, nothing to wait for, is answered at once."""
    deadline = time.monotonic() + settings.CX_SETUP_WAIT_SECONDS
    known_tenant: bool | None = None
    while True:
        try:
            connection_setup(tenant_id=tenant_id, utility_service=utility_service, area=area,
                             category=category, plan=plan)
            return
        except (NotFound, Conflict):
            if known_tenant is None:
                known_tenant = TenantProfile.objects.filter(tenant_id=tenant_id).exists()
            if not known_tenant or time.monotonic() >= deadline:
                raise
            time.sleep(SETUP_POLL_SECONDS)


def application_create(*, tenant_id: uuid.UUID, applicant: dict[str, Any], address: str, area: int,
                       utility_service: int, category: int, plan: int, by: str) -> Application:
    """The application (APPLICATION_REVIEW) and its consumer (CREATED, `cx.consumer.created`).

    409 while the utility has no areas or plan, 404 for an unknown reference, 400 when plan,
    category and utility service do not belong together."""
    _setup_projected(tenant_id=tenant_id, utility_service=utility_service, area=area,
                     category=category, plan=plan)
    with transaction.atomic():
        consumer = consumers.consumer_create(
            tenant_id=tenant_id, name=applicant["name"], email=applicant.get("email", ""),
            phone=applicant.get("phone", ""), locale=applicant.get("locale", "en"))
        application = Application.objects.create(
            tenant_id=tenant_id, number=numbers.take(tenant_id=tenant_id, entity="application"),
            consumer=consumer, applicant_name=consumer.name, applicant_email=consumer.email,
            applicant_phone=consumer.phone, address=address, area=area,
            utility_service=utility_service, category=category, plan=plan)
        _step(application, St.APPLICATION_REVIEW, by, "submitted")
        return application


def application_decide(*, tenant_id: uuid.UUID, application_id: int, decision: str, reason: str,
                       by: str) -> Application:
    """approve or reject at a review stage (APPLICATION_REVIEW, APPROVAL); anywhere else a 409
    that names the stage and where it may go from there."""
    with transaction.atomic():
        application = _locked(tenant_id, application_id)
        stage = application.stage
        if stage not in APPROVE_TO:
            allowed = STAGES.allowed(stage)
            how = (f" It moves on when its {MOVED_BY_FIELD_WORK[stage]} work order is completed."
                   if stage in MOVED_BY_FIELD_WORK else "")
            raise Conflict(
                f"Application {application.number} is at {stage}: decisions are taken at "
                f"APPLICATION_REVIEW and APPROVAL only. Allowed from {stage}: "
                f"{', '.join(allowed) or 'none (it is final)'}.{how}",
                code="illegal_transition",
                extra={"current": stage, "requested": decision, "allowed": list(allowed)})
        target = APPROVE_TO[stage] if decision == "approve" else St.REJECTED
        rows = _rows(tenant_id, application_id)
        changes: dict[str, Any] = {"updated_at": timezone.now()}
        if target == St.REJECTED:
            changes["rejection_reason"] = reason
        if target == St.INSTALLATION:
            changes["installation_attempts"] = 1
        STAGES.move(rows, target, field="stage", label=f"Application {application.number}", **changes)
        application.refresh_from_db()
        _step(application, target, by, reason)
        if target == St.SITE_INSPECTION:
            _request_work(application, "SITE_INSPECTION", f"{application.number}:SITE_INSPECTION",
                          f"Site inspection for new connection {application.number}")
        elif target == St.INSTALLATION:
            consumers.consumer_move(tenant_id=tenant_id, consumer_id=application.consumer_id,
                                    to=Consumer.Status.APPROVED)
            _request_work(application, "INSTALLATION", _installation_key(application),
                          f"Install the connection (and meter) of {application.number}")
        return application


# -- the field work's outcomes -----------------------------------------------------------------
def application_field_work_completed(*, tenant_id: uuid.UUID, completed: WorkOrderCompleted) -> None:
    """A SITE_INSPECTION or INSTALLATION work order came back. A completion the application is
    not waiting for (a repeat, an older attempt, another tenant's number) changes nothing."""
    application = (Application.objects.select_for_update()
                   .filter(tenant_id=tenant_id, number=completed.source).first())
    if application is None or MOVED_BY_FIELD_WORK.get(application.stage) != completed.kind:
        log.info("field_work_ignored", source=completed.source, kind=completed.kind,
                 stage=application.stage if application else None)
        return
    expected = (f"{application.number}:SITE_INSPECTION" if completed.kind == "SITE_INSPECTION"
                else _installation_key(application))
    if completed.request_key not in (None, expected):
        log.info("field_work_ignored", source=completed.source, request_key=completed.request_key,
                 expected=expected)
        return
    by = f"work order {completed.number}"
    if completed.kind == "SITE_INSPECTION":
        _inspected(application, completed, by)
    else:
        _installed(application, completed, by)


def _inspected(application: Application, completed: WorkOrderCompleted, by: str) -> None:
    rows = _rows(application.tenant_id, application.pk)
    if completed.outcome == "pass":
        STAGES.move(rows, St.APPROVAL, field="stage", updated_at=timezone.now())
        _step(application, St.APPROVAL, by, completed.notes or "site inspection passed")
        return
    reason = f"Site inspection failed: {completed.notes}" if completed.notes else "Site inspection failed."
    STAGES.move(rows, St.REJECTED, field="stage", rejection_reason=reason, updated_at=timezone.now())
    _step(application, St.REJECTED, by, reason)


def _installed(application: Application, completed: WorkOrderCompleted, by: str) -> None:
    tenant_id = application.tenant_id
    rows = _rows(tenant_id, application.pk)
    metered = (UtilityService.objects.filter(tenant_id=tenant_id, onboarding_id=application.utility_service)
               .values_list("metered", flat=True).first())
    meter_missing = metered is not False and not (completed.meter_serial
                                                  and completed.initial_reading is not None)
    if completed.outcome != "pass" or meter_missing:
        why = completed.notes if completed.outcome != "pass" else "no meter serial or initial reading"
        rows.update(installation_attempts=F("installation_attempts") + 1, updated_at=timezone.now())
        application.refresh_from_db()
        _step(application, St.INSTALLATION, by, f"installation failed ({why}); requested again")
        _request_work(application, "INSTALLATION", _installation_key(application),
                      f"Install the connection of {application.number} again: {why}")
        return
    consumers.consumer_move(tenant_id=tenant_id, consumer_id=application.consumer_id,
                            to=Consumer.Status.INSTALLED)
    STAGES.move(rows, St.ACTIVATION, field="stage", updated_at=timezone.now())
    _step(application, St.ACTIVATION, by, f"installed, meter {completed.meter_serial or 'none'}")
    account = consumers.account_activate(
        tenant_id=tenant_id, consumer=application.consumer, utility_service=application.utility_service,
        category=application.category, plan=application.plan, area=application.area,
        premise=application.address, meter_serial=completed.meter_serial or "",
        initial_reading=quantity(completed.initial_reading or 0), connected_at=completed.completed_at)
    STAGES.move(rows, St.FOLLOW_UP, field="stage", account=account, updated_at=timezone.now())
    _step(application, St.FOLLOW_UP, "activation", f"account {account.number} connected")


# -- documents ---------------------------------------------------------------------------------
def _sniffed(upload: UploadedFile) -> tuple[str, str]:
    head = upload.read(16)
    upload.seek(0)
    for magic, found in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return found
    raise ValidationFailed("A document is a PDF, PNG or JPEG file.",
                           errors={"file": "not a PDF, PNG or JPEG file"})


def document_add(*, tenant_id: uuid.UUID, application_id: int, kind: str, upload: UploadedFile
                 ) -> ApplicationDocument:
    """Store the file (the configured storage) and record it; until installation only."""
    if not upload.size or upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationFailed(f"A document is 1 byte to {DOCUMENT_MAX_BYTES // 2**20} MiB.",
                               errors={"file": "empty or too large"})
    content_type, extension = _sniffed(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        application = _locked(tenant_id, application_id)
        if application.stage not in DOCUMENT_STAGES:
            raise Conflict(f"Application {application.number} is {application.stage}: documents are "
                           f"added until installation ({', '.join(DOCUMENT_STAGES)}).",
                           code="illegal_transition",
                           extra={"current": application.stage, "requested": "document",
                                  "allowed": list(STAGES.allowed(application.stage))})
        path = f"applications/{tenant_id}/{application.number}/{uuid.uuid4().hex}{extension}"
        stored = default_storage.save(path, upload)
        try:
            return ApplicationDocument.objects.create(
                tenant_id=tenant_id, application=application, kind=kind, file=stored,
                name=(upload.name or f"document{extension}")[:200], content_type=content_type,
                size=upload.size, sha256=digest.hexdigest())
        except Exception:
            default_storage.delete(stored)  # no file without its row
            raise
