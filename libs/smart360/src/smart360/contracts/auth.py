"""Events auth publishes."""

from __future__ import annotations

from uuid import UUID

from smart360.contracts import Event


class UserSignedUp(Event, type="auth.user.signed_up"):
    user_id: UUID
    email: str
    name: str
