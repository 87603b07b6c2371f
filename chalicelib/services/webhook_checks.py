"""Is this request really from Twilio? The one check every /webhooks/twilio/ path passes,
and the replay jobs pass again for what they kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..adapters.twilio_secrets import reread_twilio_secrets, twilio_secrets
from ..adapters.twilio_signature import signature_is_valid

SignatureCheck = Callable[[str, dict[str, str], str], bool]


class SigningTokens(Protocol):
    """The auth tokens a genuine signature may have been made with."""

    def held(self) -> tuple[str, ...]:
        """The copy held now: the current token, and the previous one during a rotation."""
        ...

    def reread(self) -> tuple[str, ...] | None:
        """Read just now, or None when no fresher copy can be had at the moment."""
        ...


class ContainerTokens:
    """This container's copy of the account's secrets (``adapters.twilio_secrets``)."""

    def held(self) -> tuple[str, ...]:
        return twilio_secrets().signing_tokens

    def reread(self) -> tuple[str, ...] | None:
        fresh = reread_twilio_secrets()
        return None if fresh is None else fresh.signing_tokens


def signature_matches(
    url: str, form: dict[str, str], signature: str, tokens: SigningTokens | None = None
) -> bool:
    """Twilio signs the exact public URL it called plus the sorted form fields with the
    account's auth token. During a rotation that is the current or the previous token;
    a copy held from before the rotation is read again before a request is refused."""
    tokens = tokens or ContainerTokens()
    held = tokens.held()
    if _signed_with_one(held, url, form, signature):
        return True
    if not signature:
        return False
    fresh = tokens.reread()
    return fresh is not None and fresh != held and _signed_with_one(fresh, url, form, signature)


def signature_check(tokens: SigningTokens | None = None) -> SignatureCheck:
    """``signature_matches`` bound to ``tokens``, for the replay jobs."""

    def check(url: str, form: dict[str, str], signature: str) -> bool:
        return signature_matches(url, form, signature, tokens)

    return check


def _signed_with_one(tokens: tuple[str, ...], url: str, form: dict[str, str], sig: str) -> bool:
    return any(signature_is_valid(token, url, form, sig) for token in tokens)
