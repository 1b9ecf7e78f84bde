"""Signing keys (RS256, rotated) and refresh tokens (opaque, hashed, revocable)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SigningKey(models.Model):
    """Generated at first start unless JWT_PRIVATE_KEY is given. The newest signs; the one
    before it stays in the JWKS so tokens it signed stay valid until they expire."""

    kid = models.CharField(max_length=64, primary_key=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.kid


class RefreshToken(models.Model):
    """One refresh token of a login. Each refresh rotates it: the old one is marked rotated and
    a new one joins the same family. A rotated token presented again means it was stolen (or
    copied): the whole family — the thief's session and the user's — is revoked."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="refresh_tokens")
    family = models.UUIDField(default=uuid.uuid4, db_index=True)  # one per login
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"refresh for {self.user_id}"
