"""Accounts API: sign-up, verification, password reset, users, roles, departments, invites."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from auth.accounts import selectors, services
from auth.accounts.models import Department, Invitation, Role, User
from smart360.django.pagination import CursorPagination
from smart360.django.serializers import ModelSerializer
from smart360.identity.permissions import require_roles
from smart360.identity.tenancy import TenantScoped, tenant_of


class _Public(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "anon_mail"


class _Token(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class _Email(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class _Accepted(serializers.Serializer):
    detail = serializers.CharField()


class UserOut(ModelSerializer):
    roles = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    department = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "tenant_id", "roles", "department", "email_verified_at",
                  "is_active", "date_joined"]


class SignUp(_Public):
    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=256, trim_whitespace=False)
        name = serializers.CharField(max_length=150)

    @extend_schema(request=Input, responses={201: UserOut}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_sign_up(**data.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)


class VerifyEmail(_Public):
    throttle_classes: list[type] = []

    @extend_schema(parameters=[OpenApiParameter("token", str, required=True)],
                   responses=_Accepted, tags=["accounts"])
    def get(self, request: Request) -> Response:
        """The link in the mail."""
        return self._verify(request.query_params)

    @extend_schema(request=_Token, responses=_Accepted, tags=["accounts"])
    def post(self, request: Request) -> Response:
        return self._verify(request.data)

    def _verify(self, raw: Any) -> Response:
        data = _Token(data=raw)
        data.is_valid(raise_exception=True)
        user = services.email_verify(token=data.validated_data["token"])
        return Response({"detail": f"{user.email} is verified; you can log in."})


class ResendVerification(_Public):
    @extend_schema(request=_Email, responses={202: _Accepted}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = _Email(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_resend(email=data.validated_data["email"])
        return Response({"detail": "If the address needs verifying, a mail is on its way."},
                        status=status.HTTP_202_ACCEPTED)


class PasswordReset(_Public):
    @extend_schema(request=_Email, responses={202: _Accepted}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = _Email(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response({"detail": "If the address has an account, a reset mail is on its way."},
                        status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirm(_Public):
    class Input(_Token):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=Input, responses=_Accepted, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response({"detail": "Password changed; every session was logged out."})


class _ByJoinDate(CursorPagination):
    ordering = "-date_joined"


class UserList(TenantScoped, generics.ListAPIView):
    serializer_class = UserOut
    pagination_class = _ByJoinDate

    def get_base_queryset(self) -> Any:
        return selectors.users()


class UserDetail(TenantScoped, generics.RetrieveAPIView):
    serializer_class = UserOut

    def get_base_queryset(self) -> Any:
        return selectors.users()


class RoleOut(ModelSerializer):
    permissions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["id", "name", "tenant_id", "permissions"]


class RoleList(generics.ListAPIView):
    serializer_class = RoleOut
    pagination_class = None  # a handful

    def get_queryset(self) -> Any:
        return selectors.roles_visible(tenant_id=tenant_of(self.request))


class DepartmentSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "created_at"]


class DepartmentList(TenantScoped, generics.ListCreateAPIView):
    serializer_class = DepartmentSerializer
    queryset = Department.objects.all()

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [require_roles(Role.ADMIN)()]
        return super().get_permissions()

    def perform_create(self, serializer: Any) -> None:
        if Department.objects.for_tenant(self.tenant_id).filter(
            name=serializer.validated_data["name"]
        ).exists():
            raise serializers.ValidationError({"name": "A department with this name exists."})
        serializer.save(tenant_id=self.tenant_id)


class InvitationOut(ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="name", read_only=True)
    department = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "name", "role", "department", "status", "expires_at"]


class InvitationList(TenantScoped, generics.ListAPIView):
    serializer_class = InvitationOut
    queryset = Invitation.objects.select_related("role", "department").order_by("-created_at")

    class Input(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        name = serializers.CharField(max_length=150)
        role = serializers.CharField(max_length=60)
        department = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [require_roles(Role.ADMIN)()]
        return super().get_permissions()

    @extend_schema(request=Input, responses={201: InvitationOut}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            tenant_id=self.tenant_id, invited_by=request.user.subject, **data.validated_data
        )
        return Response(InvitationOut(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAccept(_Public):
    throttle_classes: list[type] = []

    class Input(_Token):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=Input, responses={201: UserOut}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.invitation_accept(**data.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)
