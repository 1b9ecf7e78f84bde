"""Who is signed in to the console: an auth access token, checked by the platform itself.

The console verifies nothing on its own: it asks auth's `whoami` (through the gateway) who the
token belongs to, and lets in only the ops and staff roles. The token stays on the server, in
a session the browser knows by an HttpOnly, SameSite=Strict cookie; every call the console
makes to a service's operations API carries it, so the services decide what the operator may
do. Signed in with email and password, the console also keeps the refresh token and renews the
access token before it expires; a pasted token lasts as long as the token.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

COOKIE = "smart360_console"
ALLOWED_ROLES = ("ops", "staff")
IDLE_SECONDS = 8 * 3600
RENEW_BEFORE_SECONDS = 60


class LoginRefused(Exception):
    """Why a token or a password does not open the console (shown on the login page)."""


@dataclass
class Session:
    token: str
    email: str
    roles: list[str]
    expires_at: float  # the access token's exp
    refresh: str = ""
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    last_seen: float = field(default_factory=time.time)
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once


def _exp(token: str) -> float:
    """The token's exp claim, unverified (whoami already proved the token good)."""
    import jwt

    try:
        return float(jwt.decode(token, options={"verify_signature": False}).get("exp", 0))
    except jwt.PyJWTError:
        return 0.0


class Auth:
    """Talks to auth through the gateway; holds the sessions (in memory: a restart signs out)."""

    def __init__(self, gateway: httpx.Client, clock: Any = time.time) -> None:
        self.gateway = gateway
        self.clock = clock
        self.sessions: dict[str, Session] = {}
        self.lock = threading.Lock()

    # -- signing in ---------------------------------------------------------------------
    def whoami(self, token: str) -> dict[str, Any]:
        try:
            response = self.gateway.get("/auth/api/v1/whoami/",
                                        headers={"Authorization": f"Bearer {token.strip()}"})
        except httpx.HTTPError as exc:
            raise LoginRefused(f"auth did not answer ({type(exc).__name__})") from exc
        if response.status_code in (401, 403):
            raise LoginRefused("That token is not valid (expired, or not an access token).")
        if response.status_code != 200:
            raise LoginRefused(f"auth answered HTTP {response.status_code}")
        me: dict[str, Any] = response.json()
        return me

    def login_token(self, token: str, refresh: str = "") -> tuple[str, Session]:
        token = token.strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            raise LoginRefused("Paste an access token, or sign in with email and password.")
        me = self.whoami(token)
        roles = list(me.get("roles") or [])
        if not set(roles) & set(ALLOWED_ROLES):
            raise LoginRefused("The console is for platform operators: the ops or staff role "
                               f"(this token has {', '.join(roles) or 'no role'}).")
        session = Session(token=token, email=str(me.get("email") or me.get("subject") or ""),
                          roles=roles, expires_at=_exp(token) or self.clock() + 300, refresh=refresh)
        sid = secrets.token_urlsafe(32)
        with self.lock:
            self._purge()
            self.sessions[sid] = session
        return sid, session

    def login_password(self, email: str, password: str) -> tuple[str, Session]:
        try:
            response = self.gateway.post("/auth/api/v1/token/",
                                         json={"email": email.strip(), "password": password})
        except httpx.HTTPError as exc:
            raise LoginRefused(f"auth did not answer ({type(exc).__name__})") from exc
        if response.status_code != 200:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = None
            raise LoginRefused(detail or f"auth answered HTTP {response.status_code}")
        pair = response.json()
        return self.login_token(pair["access"], refresh=pair.get("refresh", ""))

    # -- every request ------------------------------------------------------------------
    def session(self, sid: str | None) -> Session | None:
        """The live session of a cookie (its token renewed if it is about to expire), or None."""
        if not sid:
            return None
        with self.lock:
            session = self.sessions.get(sid)
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > IDLE_SECONDS:
            self.logout(sid)
            return None
        if session.expires_at - now < RENEW_BEFORE_SECONDS and not self._renew(session):
            self.logout(sid)
            return None
        session.last_seen = now
        return session

    def _renew(self, session: Session) -> bool:
        if not session.refresh:
            return False
        try:
            response = self.gateway.post("/auth/api/v1/token/refresh/", json={"refresh": session.refresh})
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        pair = response.json()
        session.token, session.refresh = pair["access"], pair.get("refresh", session.refresh)
        session.expires_at = _exp(session.token) or self.clock() + 300
        return True

    def logout(self, sid: str) -> None:
        with self.lock:
            session = self.sessions.pop(sid, None)
        if session is not None and session.refresh:
            with contextlib.suppress(httpx.HTTPError):
                self.gateway.post("/auth/api/v1/logout/", json={"refresh": session.refresh},
                                  headers={"Authorization": f"Bearer {session.token}"})

    def _purge(self) -> None:
        now = self.clock()
        for sid in [k for k, s in self.sessions.items()
                    if now - s.last_seen > IDLE_SECONDS or (s.expires_at < now and not s.refresh)]:
            del self.sessions[sid]


def cookie_header(sid: str, *, max_age: int | None = None) -> str:
    """The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's form
    posts with it), scoped to /ops/."""
    parts = [f"{COOKIE}={sid}", "Path=/ops/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def cookie_value(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None
