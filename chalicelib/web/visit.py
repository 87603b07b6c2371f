"""One request's gate: cookies, CSRF, the signed-in user, and how pages go back out.

Every view starts with ``signed_in(request)`` (or ``anonymous(request)`` for the sign-in
pages); the authorisation matrix test proves no route skips it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from chalice import Response
from chalice.app import Request

from .. import bootstrap
from ..adapters.cognito import AuthFailed, InvalidToken, TokenExpired
from ..config import Settings, get_jurisdiction, get_session_secret, get_settings
from ..domain.errors import ClientCommError
from ..domain.users import User
from ..services import auth
from .public_url import path_prefix, public_base_url
from .rendering import render
from .session import (
    CSRF_COOKIE,
    REFRESH_COOKIE,
    SESSION_COOKIE,
    SLIDE_AFTER_SECONDS,
    Session,
    cookie_header,
    read_cookies,
)
from .signing import token_for

MAX_FORM_BYTES = 64 * 1024


class NotSignedIn(ClientCommError):
    """No usable session; ``reason`` picks the message on the sign-in page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CsrfFailed(ClientCommError):
    """A form without our token: stale, or posted from another site."""


@dataclass
class Visit:
    request: Request
    settings: Settings
    secret: bytes
    cookies: dict[str, str]
    csrf_nonce: str
    user: User | None = None
    form: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    @property
    def csrf_token(self) -> str:
        return token_for(self.secret, CSRF_COOKIE, self.csrf_nonce)

    @property
    def path(self) -> str:
        """The path asked for, without stage prefix: the resource path with its values."""
        path = self.request.path
        for name, value in (self.request.uri_params or {}).items():
            path = path.replace("{" + name + "}", value)
        return path

    def url(self, path: str) -> str:
        return path_prefix(self.request, self.settings) + path

    @property
    def public_url(self) -> str:
        return public_base_url(self.request, self.settings)

    def query(self, name: str, default: str = "") -> str:
        params = self.request.query_params or {}
        return str(params.get(name, default))[:200]

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("jurisdiction", get_jurisdiction())
        response = render(
            template,
            status,
            user=self.user,
            csrf_token=self.csrf_token,
            url=self.url,
            current_path=self.path,
            **context,
        )
        return self.attach(response)

    def redirect(self, path: str) -> Response:
        return self.attach(Response(body="", status_code=303, headers={"Location": self.url(path)}))

    def attach(self, response: Response) -> Response:
        if self.set_cookies:
            existing = response.headers.get("Set-Cookie", [])
            existing = [existing] if isinstance(existing, str) else list(existing)
            response.headers["Set-Cookie"] = existing + self.set_cookies
        return response

    def set_cookie(self, name: str, value: str, max_age: int | None = None) -> None:
        self.set_cookies.append(
            cookie_header(name, value, secure=self.settings.cookie_secure, max_age=max_age)
        )

    def start_session(self, signed: auth.SignedIn) -> None:
        """Signing in rotates the CSRF nonce too, so a token seen before sign-in is useless."""
        self.user = signed.user
        session = Session(signed.user, signed.tokens.id_token, time.time())
        self.set_cookie(SESSION_COOKIE, session.to_cookie_value(self.secret))
        if signed.tokens.refresh_token:
            self.set_cookie(REFRESH_COOKIE, signed.tokens.refresh_token)
        self.csrf_nonce = secrets.token_urlsafe(24)
        self.set_cookie(CSRF_COOKIE, self.csrf_nonce)


def anonymous(request: Request, *, form: bool = False) -> Visit:
    """A visit that needs no sign-in (the sign-in pages themselves)."""
    settings = get_settings()
    secret = get_session_secret()
    cookies = read_cookies(request.headers.get("cookie"))
    visit = Visit(request, settings, secret, cookies, cookies.get(CSRF_COOKIE, ""))
    if not visit.csrf_nonce:
        visit.csrf_nonce = secrets.token_urlsafe(24)
        visit.set_cookie(CSRF_COOKIE, visit.csrf_nonce)
    if form:
        visit.form = read_form(request)
        check_csrf(visit)
    return visit


def signed_in(request: Request, *, form: bool = False) -> Visit:
    """A visit by a signed-in member of staff, or NotSignedIn. Forms must carry the CSRF token."""
    visit = anonymous(request)
    session = Session.from_cookie_value(visit.secret, visit.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotSignedIn("invalid" if visit.cookies.get(SESSION_COOKIE) else "required")
    if session.idle_for() > visit.settings.idle_timeout_seconds:
        raise NotSignedIn("idle")
    visit.user = _verified_user(visit, session)
    if form:
        visit.form = read_form(request)
        check_csrf(visit)
    return visit


def _verified_user(visit: Visit, session: Session) -> User:
    verifier = bootstrap.token_verifier(visit.settings)
    try:
        claims = verifier.verify(session.id_token)
    except TokenExpired:
        return _refreshed_user(visit)
    except InvalidToken as exc:
        raise NotSignedIn("invalid") from exc
    if claims.get("cognito:username", claims["sub"]) != session.user.user_id:
        raise NotSignedIn("invalid")
    if session.idle_for() > SLIDE_AFTER_SECONDS:
        fresh = Session(session.user, session.id_token, time.time())
        visit.set_cookie(SESSION_COOKIE, fresh.to_cookie_value(visit.secret))
    return session.user


def _refreshed_user(visit: Visit) -> User:
    """The ID token ran out while the person kept working: ask Cognito for a new one."""
    refresh_token = visit.cookies.get(REFRESH_COOKIE)
    if not refresh_token:
        raise NotSignedIn("expired")
    try:
        signed = auth.refresh(
            bootstrap.cognito(visit.settings),
            bootstrap.token_verifier(visit.settings),
            bootstrap.stores(visit.settings).users,
            refresh_token,
        )
    except (AuthFailed, InvalidToken, auth.NotEnrolled) as exc:
        raise NotSignedIn("expired") from exc
    session = Session(signed.user, signed.tokens.id_token, time.time())
    visit.set_cookie(SESSION_COOKIE, session.to_cookie_value(visit.secret))
    return signed.user


def read_form(request: Request) -> dict[str, str]:
    """A url-encoded body as {name: first value}; blank fields kept, oversized bodies refused."""
    raw = request.raw_body or b""
    if len(raw) > MAX_FORM_BYTES:
        raise CsrfFailed("The form was too large to accept.")
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def check_csrf(visit: Visit) -> None:
    sent = visit.form.pop("csrf_token", "")
    nonce = visit.cookies.get(CSRF_COOKIE, "")
    expected = token_for(visit.secret, CSRF_COOKIE, nonce) if nonce else ""
    if not nonce or not secrets.compare_digest(sent, expected):
        raise CsrfFailed("This form is out of date or did not come from ClientComm.")
