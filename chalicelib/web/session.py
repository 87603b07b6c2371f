"""The signed-in session, kept in cookies: who, since when, and the Cognito tokens.

``cc_session`` holds the staff record and the Cognito ID token (verified against the pool's
keys on every request) plus the time of the last request, for the idle timeout;
``cc_refresh`` holds Cognito's refresh token, used when the ID token runs out.
Both are HttpOnly and SameSite=Lax, and Secure outside the laptop.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from ..domain.users import Role, User
from .signing import sign, unsign

SESSION_COOKIE = "cc_session"
REFRESH_COOKIE = "cc_refresh"
CHALLENGE_COOKIE = "cc_challenge"
CSRF_COOKIE = "cc_csrf"
SLIDE_AFTER_SECONDS = 60
CHALLENGE_SECONDS = 300


@dataclass(frozen=True)
class Session:
    user: User
    id_token: str
    seen: float

    def to_cookie_value(self, secret: bytes) -> str:
        u = self.user
        return sign(
            secret,
            SESSION_COOKIE,
            {
                "u": u.user_id,
                "n": u.display_name,
                "e": u.email,
                "r": u.role.value,
                "d": u.department_id,
                "t": self.id_token,
                "s": int(self.seen),
            },
        )

    @classmethod
    def from_cookie_value(cls, secret: bytes, value: str | None) -> Session | None:
        data = unsign(secret, SESSION_COOKIE, value)
        if data is None:
            return None
        try:
            user = User(data["u"], data["n"], data["e"], Role(data["r"]), data["d"])
            return cls(user, data["t"], float(data["s"]))
        except (KeyError, ValueError, TypeError):
            return None

    def idle_for(self, now: float | None = None) -> float:
        return (now or time.time()) - self.seen


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
