"""The words of signing in, shared by the Cognito adapter, the use cases and the pages.

Kept here, free of boto3, so the web layer can name a challenge or a refusal without
reaching into the adapter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class RefusalReason(StrEnum):
    """Why a sign-in step was refused; the sign-in page picks its text from this."""

    BAD_CREDENTIALS = "bad_credentials"
    WRONG_CODE = "wrong_code"  # an MFA code that does not match
    PASSWORD_POLICY = "password_policy"  # noqa: S105 - a reason name, not a password
    RESET_REQUIRED = "reset_required"
    TOO_MANY = "too_many_attempts"
    CHALLENGE_EXPIRED = "challenge_expired"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Tokens:
    """What Cognito hands back after a successful step (a refresh may omit the refresh token)."""

    id_token: str
    refresh_token: str | None


@dataclass(frozen=True)
class Challenge:
    """Cognito wants more before it gives tokens (a new password, an MFA code)."""

    name: str
    session: str
    username: str


@dataclass(frozen=True)
class PendingChallenge:
    """A challenge between two pages, kept on the server: the browser holds only a random id.

    ``secret`` is the authenticator app's key while MFA is being set up (empty otherwise):
    shown once on the page, never put in a cookie, forgotten once the code is verified.
    """

    challenge: Challenge
    secret: str = ""


def challenge_key(step_id: str) -> str:
    """Where a pending challenge is kept: a hash of the cookie's id, never a session's key
    (a session key is a bare 64-digit hash, this one has a prefix)."""
    return "challenge#" + hashlib.sha256(step_id.encode()).hexdigest()
