"""The cookies of a signed-in browser, and reading the Cookie header.

``cc_session`` carries only a signed ticket: a random session id and the user id (so the
request can read the session and the staff record in one round trip). Everything else —
Cognito's refresh token, last activity, role and department — stays on the server.
All cookies are HttpOnly and SameSite=Lax, and Secure outside the laptop.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from ..domain.sessions import SESSION_LIFETIME
from .signing import sign, unsign

SESSION_COOKIE = "cc_session"
LEGACY_REFRESH_COOKIE = "cc_refresh"  # older versions kept the refresh token here: cleared
CHALLENGE_COOKIE = "cc_challenge"
CSRF_COOKIE = "cc_csrf"
CHALLENGE_SECONDS = 300


@dataclass(frozen=True)
class Ticket:
    """What the session cookie says: which session, and whose."""

    session_id: str
    user_id: str

    def to_cookie_value(self, secret: bytes) -> str:
        return sign(secret, SESSION_COOKIE, {"s": self.session_id, "u": self.user_id})

    @classmethod
    def from_cookie_value(cls, secret: bytes, value: str | None) -> Ticket | None:
        data = unsign(secret, SESSION_COOKIE, value, int(SESSION_LIFETIME.total_seconds()))
        if data is None:
            return None
        session_id, user_id = data.get("s"), data.get("u")
        if not isinstance(session_id, str) or not isinstance(user_id, str):
            return None
        if not session_id or not user_id:
            return None
        return cls(session_id, user_id)


def read_cookies(header: str | None) -> dict[str, str]:
    """Cookie header → dict; a malformed header counts as no cookies, never an error page."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(
    name: str, value: str, *, secure: bool, path: str = "/", max_age: int | None = None
) -> str:
    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def expired_cookie_header(name: str, *, secure: bool, path: str = "/") -> str:
    return cookie_header(name, "", secure=secure, path=path, max_age=0)
