"""Writes of accounts: sign-up, verification, login checks, password reset, invitations."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from auth.accounts import mail
from auth.accounts.models import Department, Invitation, OneTimeToken, Role, ServiceAccount, User
from auth.accounts.roles import tenant_assignable
from auth.tokens.services import digest, user_tokens_revoke_all
from smart360.contracts.auth import UserSignedUp
from smart360.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from smart360.events.outbox import publish
from smart360.logging import get_logger

log = get_logger(__name__)
VERIFY_TTL = timedelta(hours=24)
RESET_TTL = timedelta(hours=1)
INVITE_TTL = timedelta(days=7)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class LoginRefused(ApplicationError):
    status = 401
    code = "invalid_credentials"
    title = "Login refused"


class Locked(ApplicationError):
    status = 423
    code = "account_locked"
    title = "Account temporarily locked"


class TokenInvalid(NotFound):
    """A link's token we do not know, or no longer honour (used, expired): nothing to act on."""

    code = "invalid_token"
    title = "The link is invalid or has expired"


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("; ".join(exc.messages), code="weak_password") from exc


def _one_time(user: User, kind: str, ttl: timedelta) -> str:
    secret = secrets.token_urlsafe(32)
    OneTimeToken.objects.create(kind=kind, token_hash=digest(secret), user=user,
                                expires_at=timezone.now() + ttl)
    return secret


def _redeem(kind: str, secret: str) -> OneTimeToken:
    row = (
        OneTimeToken.objects.select_for_update().select_related("user")
        .filter(kind=kind, token_hash=digest(secret), used_at__isnull=True,
                expires_at__gt=timezone.now())
        .first()
    )
    if row is None:
        raise TokenInvalid("The link is invalid, already used or expired.")
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return row


@transaction.atomic
def user_sign_up(*, email: str, password: str, name: str) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("An account with this email already exists.", code="email_taken")
    _check_password(password, User(email=email, name=name))
    user = User.objects.create_user(email, password, name=name)
    mail.verification(to=email, name=name, token=_one_time(user, OneTimeToken.Kind.VERIFY_EMAIL,
                                                            VERIFY_TTL))
    publish(UserSignedUp(user_id=user.id, email=email, name=name), tenant_id=None)
    return user


@transaction.atomic
def email_verify(*, token: str) -> User:
    user = _redeem(OneTimeToken.Kind.VERIFY_EMAIL, token).user
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def verification_resend(*, email: str) -> None:
    user = User.objects.filter(email=email.strip().lower(), email_verified_at__isnull=True).first()
    if user is not None:  # silent otherwise: no account enumeration
        with transaction.atomic():
            token = _one_time(user, OneTimeToken.Kind.VERIFY_EMAIL, VERIFY_TTL)
            mail.verification(to=user.email, name=user.name, token=token)


def user_authenticate(*, email: str, password: str, now: datetime | None = None) -> User:
    """Password check with lockout: MAX_FAILED_LOGINS wrong passwords lock for LOCKOUT."""
    now = now or timezone.now()
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        User().set_password(password)  # same hashing time as for a real account
        raise LoginRefused("Wrong email or password.")
    if user.locked_until and user.locked_until > now:
        raise Locked("Too many failed logins; try again later.",
                     extra={"retry_after": int((user.locked_until - now).total_seconds())})
    if not user.check_password(password) or not user.is_active:
        failed = user.failed_logins + 1
        User.objects.filter(pk=user.pk).update(
            failed_logins=F("failed_logins") + 1,
            locked_until=now + LOCKOUT if failed >= MAX_FAILED_LOGINS else user.locked_until,
        )
        raise LoginRefused("Wrong email or password.")
    if user.email_verified_at is None:
        raise ApplicationError("Verify your email address first (see the mail we sent).",
                               code="email_not_verified")
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return user


def password_reset_request(*, email: str) -> None:
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return  # same answer either way
    with transaction.atomic():
        mail.password_reset(to=user.email,
                            token=_one_time(user, OneTimeToken.Kind.RESET_PASSWORD, RESET_TTL))


@transaction.atomic
def password_reset_confirm(*, token: str, password: str) -> User:
    user = _redeem(OneTimeToken.Kind.RESET_PASSWORD, token).user
    _check_password(password, user)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    user_tokens_revoke_all(user=user)  # a reset logs every session out
    return user


@transaction.atomic
def invitation_create(
    *, tenant_id: uuid.UUID, invited_by: uuid.UUID, email: str, name: str, role: str,
    department: str | None = None,
) -> Invitation:
    email = email.strip().lower()
    role_row = Role.objects.filter(name=role, tenant_id__isnull=True).first() or \
        Role.objects.filter(name=role, tenant_id=tenant_id).first()
    if role_row is None:
        raise NotFound(f"Unknown role {role!r}.", code="unknown_role")
    if not tenant_assignable(role_row, tenant_id=tenant_id):
        raise PermissionDenied(f"{role!r} is a platform role; a tenant cannot give it.",
                               code="platform_role")
    if User.objects.filter(email=email).exists():
        raise Conflict("A user with this email already exists.", code="email_taken")
    dept = None
    if department:
        dept, _ = Department.objects.get_or_create(tenant_id=tenant_id, name=department)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant_id=tenant_id, email=email, name=name, role=role_row, department=dept,
        invited_by=invited_by, token_hash=digest(secret), expires_at=timezone.now() + INVITE_TTL,
    )
    mail.invitation(to=email, name=name, token=secret)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=digest(token), status=Invitation.Status.PENDING,
                expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise TokenInvalid("The invitation is invalid, used or expired.")
    if User.objects.filter(email=invitation.email).exists():
        raise Conflict("A user with this email already exists.", code="email_taken")
    _check_password(password, User(email=invitation.email, name=invitation.name))
    user = User.objects.create_user(
        invitation.email, password, name=invitation.name, tenant_id=invitation.tenant_id,
        department=invitation.department, email_verified_at=timezone.now(),
    )
    user.roles.add(invitation.role)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.save(update_fields=["status", "updated_at"])
    return user


def tenant_admin_assign(*, user_id: str, tenant_id: uuid.UUID) -> bool:
    """The creator of an organization becomes its admin (once; never moves tenants)."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        log.warning("tenant_admin_unknown_user", user_id=user_id, tenant=str(tenant_id))
        return False
    if user.tenant_id not in (None, tenant_id):
        log.warning("tenant_admin_other_tenant", user_id=user_id, tenant=str(tenant_id))
        return False
    user.tenant_id = tenant_id
    user.save(update_fields=["tenant_id"])
    user.roles.add(Role.objects.get(name=Role.ADMIN, tenant_id__isnull=True))
    return True


def one_time_tokens_expire(*, now: datetime) -> dict[str, int]:
    """Invitations past expiry -> EXPIRED; dead verification/reset tokens deleted."""
    expired = Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__lt=now
    ).update(status=Invitation.Status.EXPIRED, updated_at=now)
    deleted, _ = OneTimeToken.objects.filter(expires_at__lt=now).delete()
    return {"invitations_expired": expired, "tokens_deleted": deleted}


@transaction.atomic
def service_account_ensure(*, client_id: str, secret: str, roles: list[str]) -> bool:
    """Create or re-key a service account (idempotent; the stack runs it for every service)."""

    account, created = ServiceAccount.objects.update_or_create(
        client_id=client_id, defaults={"secret_hash": make_password(secret), "is_active": True}
    )
    account.roles.set(Role.objects.filter(name__in=roles, tenant_id__isnull=True))
    return created


def department_create(*, tenant_id: uuid.UUID, name: str) -> Department:
    if Department.objects.filter(tenant_id=tenant_id, name=name).exists():
        raise Conflict("A department with this name exists.", code="department_exists")
    return Department.objects.create(tenant_id=tenant_id, name=name)
