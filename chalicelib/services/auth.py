"""Signing in: Cognito proves who someone is; our Users table says what they may do.

Every refusal leaves here as ``SignInRefused`` with a reason. A person Cognito knows but
ClientComm does not (no staff record, or deactivated) is refused with the same reason as a
wrong password: a different answer would tell a guesser the password was right.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..adapters.cognito import AuthFailed, CognitoGateway, InvalidToken, RevokeFailed, TokenVerifier
from ..domain.errors import ClientCommError
from ..domain.sign_in import Challenge, RefusalReason, Tokens
from ..domain.users import User
from ..store.users import UserStore

log = logging.getLogger(__name__)


class SignInRefused(ClientCommError):
    """A sign-in step did not succeed; ``reason`` picks what the person is told."""

    def __init__(self, reason: RefusalReason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class SignInParts:
    """Who answers a sign-in: Cognito, its token checker, and our staff records."""

    gateway: CognitoGateway
    verifier: TokenVerifier
    users: UserStore


@dataclass(frozen=True)
class SignedIn:
    user: User
    tokens: Tokens
    id_token_expires_at: datetime


def finish(answer: Tokens | Challenge, parts: SignInParts) -> SignedIn | Challenge:
    """Turn Cognito's answer into a signed-in member of staff, or pass the next challenge on."""
    if isinstance(answer, Challenge):
        return answer
    try:
        claims = parts.verifier.verify(answer.id_token)
    except InvalidToken as exc:
        raise SignInRefused(RefusalReason.UNAVAILABLE) from exc
    username = claims.get("cognito:username") or claims["sub"]
    user = parts.users.get(username)
    if user is None or not user.active:
        log.info("sign-in refused: no active staff record")
        _revoke_quietly(parts.gateway, answer.refresh_token)
        raise SignInRefused(RefusalReason.BAD_CREDENTIALS)
    return SignedIn(user, answer, datetime.fromtimestamp(float(claims["exp"]), tz=UTC))


def sign_in(parts: SignInParts, username: str, password: str) -> SignedIn | Challenge:
    return finish(_ask(parts.gateway.sign_in, username.strip(), password), parts)


def set_new_password(
    parts: SignInParts, challenge: Challenge, new_password: str
) -> SignedIn | Challenge:
    return finish(_ask(parts.gateway.set_new_password, challenge, new_password), parts)


def answer_mfa(parts: SignInParts, challenge: Challenge, code: str) -> SignedIn | Challenge:
    return finish(_ask(parts.gateway.answer_mfa, challenge, code.strip()), parts)


def start_mfa_setup(parts: SignInParts, challenge: Challenge) -> tuple[str, Challenge]:
    """(the authenticator app's secret, the challenge to answer with its first code)."""
    try:
        return parts.gateway.start_mfa_setup(challenge)
    except AuthFailed as exc:
        raise SignInRefused(exc.reason) from exc


def finish_mfa_setup(parts: SignInParts, challenge: Challenge, code: str) -> SignedIn | Challenge:
    return finish(_ask(parts.gateway.finish_mfa_setup, challenge, code.strip()), parts)


def refreshed(
    gateway: CognitoGateway, verifier: TokenVerifier, user_id: str, refresh_token: str
) -> tuple[Tokens, datetime]:
    """A new ID token for a session in use: Cognito refuses it for a disabled or signed-out
    account, which is why a session asks again whenever its ID token runs out."""
    try:
        answer = gateway.refresh(refresh_token)
        if isinstance(answer, Challenge):
            raise SignInRefused(RefusalReason.BAD_CREDENTIALS)
        claims = verifier.verify(answer.id_token)
    except AuthFailed as exc:
        raise SignInRefused(exc.reason) from exc
    except InvalidToken as exc:
        raise SignInRefused(RefusalReason.UNAVAILABLE) from exc
    if (claims.get("cognito:username") or claims["sub"]) != user_id:
        raise SignInRefused(RefusalReason.BAD_CREDENTIALS)
    return answer, datetime.fromtimestamp(float(claims["exp"]), tz=UTC)


def revoke(gateway: CognitoGateway, refresh_token: str | None) -> None:
    """Ask Cognito to forget a refresh token; our own session record is already gone."""
    _revoke_quietly(gateway, refresh_token)


def _revoke_quietly(gateway: CognitoGateway, refresh_token: str | None) -> None:
    if not refresh_token:
        return
    try:
        gateway.revoke(refresh_token)
    except RevokeFailed as exc:
        log.warning("refresh token not revoked: %s", exc)


def _ask(step: Callable[..., Tokens | Challenge], *args: Any) -> Tokens | Challenge:
    """One call to Cognito, its refusals in our words."""
    try:
        return step(*args)
    except AuthFailed as exc:
        raise SignInRefused(exc.reason) from exc
