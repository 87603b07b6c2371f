"""Signing in: Cognito proves who someone is; our Users table says what they may do."""

from __future__ import annotations

from dataclasses import dataclass

from ..adapters.cognito import Challenge, CognitoGateway, Tokens, TokenVerifier
from ..domain.errors import ClientCommError
from ..domain.users import User
from ..store.users import UserStore


class NotEnrolled(ClientCommError):
    """Cognito knows the person but ClientComm has no (active) staff record for them."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    tokens: Tokens


def finish(tokens: Tokens | Challenge, verifier: TokenVerifier, users: UserStore):
    """Turn Cognito's answer into a signed-in user, or pass the next challenge on."""
    if isinstance(tokens, Challenge):
        return tokens
    claims = verifier.verify(tokens.id_token)
    username = claims.get("cognito:username") or claims["sub"]
    user = users.get(username)
    if user is None or not user.active:
        raise NotEnrolled("Your sign-in works, but ClientComm has no active account for you.")
    return SignedIn(user, tokens)


def sign_in(
    gateway: CognitoGateway, verifier: TokenVerifier, users: UserStore, username: str, password: str
) -> SignedIn | Challenge:
    return finish(gateway.sign_in(username.strip(), password), verifier, users)


def set_new_password(
    gateway: CognitoGateway,
    verifier: TokenVerifier,
    users: UserStore,
    challenge: Challenge,
    new_password: str,
) -> SignedIn | Challenge:
    return finish(gateway.set_new_password(challenge, new_password), verifier, users)


def answer_mfa(
    gateway: CognitoGateway,
    verifier: TokenVerifier,
    users: UserStore,
    challenge: Challenge,
    code: str,
) -> SignedIn | Challenge:
    return finish(gateway.answer_mfa(challenge, code.strip()), verifier, users)


def finish_mfa_setup(
    gateway: CognitoGateway,
    verifier: TokenVerifier,
    users: UserStore,
    challenge: Challenge,
    code: str,
) -> SignedIn | Challenge:
    return finish(gateway.finish_mfa_setup(challenge, code.strip()), verifier, users)


def refresh(
    gateway: CognitoGateway, verifier: TokenVerifier, users: UserStore, refresh_token: str
) -> SignedIn:
    """A fresh ID token, and a fresh read of the staff record so role changes take effect."""
    result = finish(gateway.refresh(refresh_token), verifier, users)
    assert isinstance(result, SignedIn)  # refreshing never asks a challenge
    return result
