from django.urls import path

from auth.accounts import api as accounts
from auth.tokens import api as tokens
from smart360.api.urls import handler400, handler404, handler500, service_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

api = [
    path("token/", tokens.TokenObtain.as_view(), name="token"),
    path("token/refresh/", tokens.TokenRefresh.as_view(), name="token-refresh"),
    path("logout/", tokens.Logout.as_view(), name="logout"),
    path("signup/", accounts.SignUp.as_view(), name="signup"),
    path("verify-email/", accounts.VerifyEmail.as_view(), name="verify-email"),
    path("verify-email/resend/", accounts.ResendVerification.as_view(), name="verify-resend"),
    path("password-reset/", accounts.PasswordReset.as_view(), name="password-reset"),
    path("password-reset/confirm/", accounts.PasswordResetConfirm.as_view(),
         name="password-reset-confirm"),
    path("users/", accounts.UserList.as_view(), name="user-list"),
    path("users/<uuid:pk>/", accounts.UserDetail.as_view(), name="user-detail"),
    path("roles/", accounts.RoleList.as_view(), name="role-list"),
    path("departments/", accounts.DepartmentList.as_view(), name="department-list"),
    path("invitations/", accounts.InvitationList.as_view(), name="invitation-list"),
    path("invitations/accept/", accounts.InvitationAccept.as_view(), name="invitation-accept"),
]

urlpatterns = [
    # Outside api/v1: the well-known location every JWT library looks at.
    path("auth/.well-known/jwks.json", tokens.jwks, name="jwks"),
    *service_urlpatterns("auth", api=api),
]
