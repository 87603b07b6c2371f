"""One request's gate: cookies, CSRF, the signed-in user, and how pages go back out.

Every view starts with ``signed_in(request)`` (or ``anonymous(request)`` for the sign-in
pages); the authorisation matrix test proves no route skips it. Requests marked as
background (the live-update polls send ``X-ClientComm-Background: 1``) are checked the same
way but never count as activity for the idle timeout.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from chalice import Response
from chalice.app import Request

from ..config import Settings, get_jurisdiction, get_session_secret, get_settings
from ..domain.errors import ClientCommError
from ..domain.users import User
from ..lazy import lazy_module
from .public_url import path_prefix, public_base_url
from .rendering import render
from .session import (
    CSRF_COOKIE,
    LEGACY_REFRESH_COOKIE,
    SESSION_COOKIE,
    Ticket,
    cookie_header,
    read_cookies,
)
from .signing import token_for, token_matches

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import auth, read_ahead, sessions
    from . import sockets
else:  # loaded by the first signed-in request, not by a webhook's cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    auth = lazy_module("chalicelib.services.auth")
    read_ahead = lazy_module("chalicelib.services.read_ahead")
    sessions = lazy_module("chalicelib.services.sessions")
    sockets = lazy_module("chalicelib.web.sockets")

BACKGROUND_HEADER = "x-clientcomm-background"
MAX_FORM_BYTES = 64 * 1024


class NotSignedIn(ClientCommError):
    """No usable session; ``reason`` picks the message on the sign-in page.

    ``background`` requests are answered with 401 JSON instead of a redirect, so a poll
    never receives the sign-in page as if it were its data.
    """

    def __init__(self, reason: str, background: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.background = background


class CsrfFailed(ClientCommError):
    """A form without our token: stale, or posted from another site."""


class FormTooLarge(ClientCommError):
    """A form body over MAX_FORM_BYTES: refused before it is read (a page answers 413)."""


@dataclass
class Visit:
    request: Request
    settings: Settings
    secret: bytes
    cookies: dict[str, str]
    csrf_nonce: str
    user: User | None = None
    session_id: str | None = None
    form: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)
    ahead: read_ahead.ReadAhead | None = None  # what was read with the session

    @property
    def staff(self) -> User:
        """The signed-in member of staff (``signed_in`` guarantees one)."""
        if self.user is None:
            raise NotSignedIn("required")
        return self.user

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
        params: Mapping[str, str] = self.request.query_params or {}
        return str(params.get(name, default))[:200]

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("jurisdiction", get_jurisdiction())
        context.setdefault("unclaimed_waiting", self.unclaimed_waiting)
        # when the page was made: a copy kept for reading offline says "as of" this time
        context.setdefault("rendered_at", datetime.now(UTC).isoformat(timespec="seconds"))
        response = render(
            template,
            status,
            user=self.user,
            csrf_token=self.csrf_token,
            url=self.url,
            current_path=self.path,
            socket=sockets.page_socket(self.settings, self.session_id, self.user),
            idle_minutes=self.settings.idle_timeout_seconds // 60,
            **context,
        )
        return self.attach(response)

    def unclaimed_waiting(self) -> int:
        """The navigation's count of waiting numbers: called by the page layout only. A
        page reads it with the session; a page shown from a POST counts with a Query."""
        from ..bootstrap import stores
        from ..services.unclaimed import waiting_count

        known = read_ahead.waiting_of(self.ahead, self.staff.department_id) if self.ahead else None
        return waiting_count(self.staff, stores(self.settings).unclaimed, known)

    @property
    def unread_here(self) -> int | None:
        """How many texts of the client the URL names the person has not seen, when read
        with the session (None: not read)."""
        return read_ahead.unread_count(self.ahead)

    def clients(self, store: read_ahead.Clients) -> read_ahead.Clients:
        """``store``, answering the request's first look at the client its URL names from
        the session's read (``signed_in(..., client_id=...)``)."""
        return read_ahead.clients_of(store, self.ahead) if self.ahead else store

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
        """A new server-side session; any session this browser had before is ended.

        Signing in rotates the CSRF nonce too, so a token seen before sign-in is useless.
        """
        keeping = session_keeping(self.settings)
        previous = Ticket.from_cookie_value(self.secret, self.cookies.get(SESSION_COOKIE))
        if previous is not None:
            sessions.end(keeping, previous.session_id)
        self.user = signed.user
        self.session_id = sessions.start(keeping, signed)
        ticket = Ticket(self.session_id, signed.user.user_id)
        self.set_cookie(SESSION_COOKIE, ticket.to_cookie_value(self.secret))
        if LEGACY_REFRESH_COOKIE in self.cookies:
            self.set_cookie(LEGACY_REFRESH_COOKIE, "", max_age=0)
        self.csrf_nonce = secrets.token_urlsafe(24)
        self.set_cookie(CSRF_COOKIE, self.csrf_nonce)

    def end_session(self) -> None:
        """Sign-out: the server forgets the session (so copies of the cookie stop working)."""
        if self.session_id:
            sessions.end(session_keeping(self.settings), self.session_id)
            if self.user is not None:
                sockets.close_pages_of(self.settings, self.user.user_id, self.session_id)
        for name in (SESSION_COOKIE, LEGACY_REFRESH_COOKIE):
            self.set_cookie(name, "", max_age=0)
        self.user = None
        self.session_id = None


def session_keeping(settings: Settings) -> sessions.SessionKeeping:
    return sessions.SessionKeeping(
        bootstrap.session_store(settings),
        partial(bootstrap.cognito, settings),
        bootstrap.token_verifier(settings),
    )


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


def signed_in(
    request: Request,
    *,
    form: bool = False,
    background: bool = False,
    client_id: str | None = None,
) -> Visit:
    """A visit by a signed-in, active member of staff, or NotSignedIn.

    Role, department and the active flag are read from the Users table on every request.
    Forms must carry the CSRF token. ``client_id``: the client the URL names, read with the
    session (``Visit.clients``) by a view whose first look at them comes before any write
    (a GET changes nothing, so each of its looks uses it). A page (a GET that is not a
    background request) reads the navigation's count with it.
    """
    background = background or is_background(request)
    visit = anonymous(request)
    raw = visit.cookies.get(SESSION_COOKIE)
    ticket = Ticket.from_cookie_value(visit.secret, raw)
    if ticket is None:
        raise NotSignedIn("invalid" if raw else "required", background)
    page = request.method == "GET" and not background
    stores = bootstrap.stores(visit.settings)
    ahead = read_ahead.planned(
        stores.clients,
        stores.unclaimed,
        stores.unread,
        user_id=ticket.user_id,
        client_id=client_id,
        departments=[d.department_id for d in get_jurisdiction().departments] if page else (),
        keep=request.method == "GET",
    )
    try:
        visit.user = sessions.resume(
            session_keeping(visit.settings),
            ticket.session_id,
            ticket.user_id,
            background=background,
            idle_limit=timedelta(seconds=visit.settings.idle_timeout_seconds),
            along=ahead.items,
        )
    except sessions.SessionEnded as exc:
        raise NotSignedIn(exc.reason, background) from exc
    visit.ahead = ahead
    visit.session_id = ticket.session_id
    if form:
        visit.form = read_form(request)
        check_csrf(visit)
    return visit


def is_background(request: Request) -> bool:
    """The page's own script marks its polls; they must not count as someone being there."""
    return (request.headers.get(BACKGROUND_HEADER) or "").strip() == "1"


def read_form(request: Request) -> dict[str, str]:
    """A url-encoded body as {name: first value}; blank fields kept, oversized bodies refused."""
    raw = request.raw_body or b""
    if len(raw) > MAX_FORM_BYTES:
        raise FormTooLarge(
            f"The form is {len(raw) // 1024} KB; at most {MAX_FORM_BYTES // 1024} KB."
        )
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def check_csrf(visit: Visit) -> None:
    sent = visit.form.pop("csrf_token", "")
    nonce = visit.cookies.get(CSRF_COOKIE, "")
    if not token_matches(visit.secret, CSRF_COOKIE, nonce, sent):
        raise CsrfFailed("This form is out of date or did not come from ClientComm.")
