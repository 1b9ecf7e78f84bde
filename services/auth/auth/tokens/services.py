"""Issue, refresh and revoke tokens. Access = RS256 JWT (short); refresh = opaque (rotated)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import timedelta
from typing import Any

import jwt
from django.db import transaction
from django.utils import timezone

from auth.accounts.models import ServiceAccount, User
from auth.tokens import keys
from auth.tokens.models import RefreshToken
from smart360 import env
from smart360.errors import ApplicationError
from smart360.identity.tokens import AUDIENCE, ISSUER
from smart360.logging import get_logger
from smart360.registry import load

log = get_logger(__name__)


class InvalidGrant(ApplicationError):
    status = 401
    code = "invalid_grant"
    title = "Invalid credentials or token"


def access_ttl() -> int:
    return env.integer("JWT_ACCESS_TTL_SECONDS", 900)


def refresh_ttl() -> timedelta:
    return timedelta(days=env.integer("JWT_REFRESH_TTL_DAYS", 14))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _sign(claims: dict[str, Any]) -> str:
    key = keys.current()
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + access_ttl(), "jti": uuid.uuid4().hex,
            "typ": "access", **claims}
    return jwt.encode(body, key.private, algorithm="RS256", headers={"kid": key.kid})


def user_claims(user: User) -> dict[str, Any]:
    granted = user.roles.all()
    if user.tenant_id is not None:  # a tenant's user never carries a platform role
        granted = granted.exclude(name__in=list(load().platform_roles), tenant_id__isnull=True)
    roles = list(granted.order_by("name").values_list("name", flat=True))
    perms = sorted(set(granted.values_list("permissions__code", flat=True)) - {None})
    return {
        "sub": str(user.id),
        "email": user.email,
        "tenant": str(user.tenant_id) if user.tenant_id else None,
        "roles": roles + (["staff"] if user.is_staff and user.tenant_id is None else []),
        "perms": perms,
        "kind": "user",
    }


def token_pair_issue(*, user: User, family: uuid.UUID | None = None) -> dict[str, Any]:
    refresh = secrets.token_urlsafe(32)
    RefreshToken.objects.create(
        token_hash=digest(refresh), user=user, family=family or uuid.uuid4(),
        expires_at=timezone.now() + refresh_ttl(),
    )
    return {"access": _sign(user_claims(user)), "refresh": refresh, "token_type": "Bearer",
            "expires_in": access_ttl()}


def token_refresh(*, refresh: str) -> dict[str, Any]:
    """Rotate: the old refresh token is spent, a new pair issued in its family with fresh claims
    (a new tenant, new roles). A spent token presented again revokes the whole family."""
    reused = False
    with transaction.atomic():
        row = (RefreshToken.objects.select_for_update().select_related("user")
               .filter(token_hash=digest(refresh)).first())
        now = timezone.now()
        if row is not None and row.rotated_at is not None:
            RefreshToken.objects.filter(family=row.family, revoked_at__isnull=True).update(
                revoked_at=now)
            reused = True
        elif row is None or row.revoked_at or row.expires_at <= now or not row.user.is_active:
            raise InvalidGrant("The refresh token is invalid, expired or revoked.")
        else:
            RefreshToken.objects.filter(pk=row.pk).update(revoked_at=now, rotated_at=now)
            return token_pair_issue(user=row.user, family=row.family)
    # Outside the rollback: the family stays revoked although this request fails.
    assert reused
    assert row is not None
    log.warning("refresh_token_reused", user=str(row.user_id), family=str(row.family))
    raise InvalidGrant("This refresh token was already used: the session is ended everywhere. "
                       "Log in again.")


def token_revoke(*, refresh: str) -> bool:
    """Logout. Idempotent: revoking an unknown or revoked token is not an error."""
    return bool(
        RefreshToken.objects.filter(token_hash=digest(refresh), revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


def user_tokens_revoke_all(*, user: User) -> int:
    return RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def service_token_issue(*, client_id: str, client_secret: str) -> dict[str, Any]:
    from django.contrib.auth.hashers import check_password

    account = ServiceAccount.objects.filter(client_id=client_id, is_active=True).first()
    if account is None or not check_password(client_secret, account.secret_hash):
        raise InvalidGrant("Unknown client or wrong secret.")
    roles = sorted(account.roles.values_list("name", flat=True))
    perms = sorted(set(account.roles.values_list("permissions__code", flat=True)) - {None})
    claims = {"sub": f"service:{client_id}", "email": "", "tenant": None, "roles": roles,
              "perms": perms, "kind": "service"}
    return {"access": _sign(claims), "token_type": "Bearer", "expires_in": access_ttl()}


def refresh_tokens_purge(*, now: Any) -> int:
    """Expired or revoked more than a day ago: no longer needed for reuse detection."""
    from django.db.models import Q

    deleted, _ = RefreshToken.objects.filter(
        Q(expires_at__lt=now) | Q(revoked_at__lt=now - timedelta(days=1))
    ).delete()
    return deleted
