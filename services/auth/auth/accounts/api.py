"""Accounts API: sign-up, verification, password reset, users, roles, departments, invites."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from auth.accounts import selectors, services
from auth.accounts.models import User
from smart360.api import PublicView, TenantListView, TenantView
from smart360.errors import NotFound


def password() -> serializers.CharField:
    return serializers.CharField(min_length=10, max_length=256, trim_whitespace=False)



PASSWORD_RULES = ("the password is too common, all digits, or too like the name or email",)


class Accepted(serializers.Serializer):
    detail = serializers.CharField()


class UserOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()
    tenant_id = serializers.UUIDField(allow_null=True)
    roles: serializers.Field = serializers.StringRelatedField(many=True)  # role names
    department = serializers.CharField(source="department.name", allow_null=True)
    email_verified_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


# -- public: no token ----------------------------------------------------------------------
class SignUp(PublicView):
    throttle_scope = "anon_mail"
    throttle_per_email = True
    rules = PASSWORD_RULES
    post_status = 201
    Output = UserOutput

    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = password()
        name = serializers.CharField(max_length=150)

    def post(self, request: Request) -> Response:
        return self.respond(services.user_sign_up(**self.input()))


class VerifyEmail(PublicView):
    """GET is the link in the mail; POST the same for API clients."""

    throttle_scope = "token_link"
    Output = Accepted

    class Input(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    Filters = Input  # GET ?token=

    def get(self, request: Request) -> Response:
        return self._verify(self.filters().get("token", ""))

    def post(self, request: Request) -> Response:
        return self._verify(self.input()["token"])

    def _verify(self, token: str) -> Response:
        user = services.email_verify(token=token)
        return self.respond({"detail": f"{user.email} is verified; you can log in."})


class ResendVerification(PublicView):
    throttle_scope = "anon_mail"
    throttle_per_email = True
    post_status = 202
    Output = Accepted

    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)

    def post(self, request: Request) -> Response:
        services.verification_resend(**self.input())
        return self.respond({"detail": "If the address needs verifying, a mail is on its way."})


class PasswordReset(PublicView):
    throttle_scope = "anon_mail"
    throttle_per_email = True
    post_status = 202
    Output = Accepted

    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)

    def post(self, request: Request) -> Response:
        services.password_reset_request(**self.input())
        return self.respond({"detail": "If the address has an account, a reset mail is on its way."})


class PasswordResetConfirm(PublicView):
    throttle_scope = "token_link"
    rules = PASSWORD_RULES
    Output = Accepted

    class Input(serializers.Serializer):
        token = serializers.CharField(max_length=200)
        password = password()

    def post(self, request: Request) -> Response:
        services.password_reset_confirm(**self.input())
        return self.respond({"detail": "Password changed; every session was logged out."})


class InvitationAccept(PublicView):
    throttle_scope = "token_link"
    rules = PASSWORD_RULES
    post_status = 201
    Output = UserOutput

    class Input(serializers.Serializer):
        token = serializers.CharField(max_length=200)
        password = password()

    def post(self, request: Request) -> Response:
        return self.respond(services.invitation_accept(**self.input()))


# -- a tenant's people --------------------------------------------------------------------
class UserList(TenantListView):
    module = "auth.users"
    model = User
    ordering = "email"
    Output = UserOutput

    def get(self, request: Request) -> Response:
        return self.page(selectors.user_list(tenant_id=self.tenant_id))


class UserDetail(TenantView):
    module = "auth.users"
    Output = UserOutput

    def get(self, request: Request, pk: Any) -> Response:
        user = selectors.user_list(tenant_id=self.tenant_id).filter(pk=pk).first()
        if user is None:
            raise NotFound("No such user.")
        return self.respond(user)


class RoleList(TenantListView):
    """The roles this tenant can give: the platform's tenant roles and its own."""

    module = "auth.roles"
    ordering = "id"

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        tenant_id = serializers.UUIDField(allow_null=True)
        permissions: serializers.Field = serializers.StringRelatedField(many=True)  # codes

    def get(self, request: Request) -> Response:
        return self.page(selectors.roles_assignable(tenant_id=self.tenant_id))


class DepartmentList(TenantListView):
    module = "auth.departments"

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=100)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        created_at = serializers.DateTimeField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.department_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        return self.respond(services.department_create(tenant_id=self.tenant_id, **self.input()))


class InvitationList(TenantListView):
    module = "auth.invitations"

    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        name = serializers.CharField(max_length=150)
        role = serializers.CharField(max_length=60)
        department = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        name = serializers.CharField()
        role = serializers.CharField(source="role.name")
        department = serializers.CharField(source="department.name", allow_null=True)
        status = serializers.CharField()
        expires_at = serializers.DateTimeField()

    def get(self, request: Request) -> Response:
        return self.page(selectors.invitation_list(tenant_id=self.tenant_id))

    def post(self, request: Request) -> Response:
        invitation = services.invitation_create(
            tenant_id=self.tenant_id, invited_by=uuid.UUID(self.principal.subject), **self.input())
        return self.respond(invitation)
