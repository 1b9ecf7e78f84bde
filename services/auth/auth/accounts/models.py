"""Users, roles, permissions, departments, service accounts, invitations and one-time tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models

from smart360.django.models import TenantOwned


class Permission(models.Model):
    """One operation on one service module: `cx.consumers.write`. `*` and `cx.*` are wildcards."""

    code = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.code


class Role(models.Model):
    """A named set of permissions. tenant_id NULL = a system role every tenant can assign."""

    ADMIN = "admin"
    tenant_id = models.UUIDField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=60)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="roles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="uniq_role_name",
                                    nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return self.name


class Department(TenantOwned):
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="uniq_department_name")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in by email; belongs to at most one tenant (set when it joins one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    tenant_id = models.UUIDField(null=True, blank=True, db_index=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class ServiceAccount(models.Model):
    """A service calling another service: client credentials, roles, no tenant of its own."""

    client_id = models.CharField(max_length=60, unique=True)
    secret_hash = models.CharField(max_length=200)
    roles = models.ManyToManyField(Role, blank=True, related_name="service_accounts")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.client_id


class OneTimeToken(models.Model):
    """Email verification and password reset links. Only the SHA-256 of the secret is kept."""

    class Kind(models.TextChoices):
        VERIFY_EMAIL = "verify_email"
        RESET_PASSWORD = "reset_password"  # noqa: S105 (a kind, not a secret)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_tokens")
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class Invitation(TenantOwned):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        EXPIRED = "expired"

    email = models.EmailField()
    name = models.CharField(max_length=150)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    invited_by = models.UUIDField()
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"
