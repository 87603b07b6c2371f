"""Tamper-proof cookie values and form tokens, signed with itsdangerous.

A thin wrapper so every signature in the app is made the same way: HMAC-SHA256 with a key
derived per purpose (itsdangerous' salt), so a value signed for one cookie is refused as
another, and every signed value carries its age and is refused past ``max_age``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

_SIGNER_OPTIONS: dict[str, Any] = {"key_derivation": "hmac", "digest_method": hashlib.sha256}


def _serializer(secret: bytes, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=purpose, signer_kwargs=_SIGNER_OPTIONS)


def _signer(secret: bytes, purpose: str) -> Signer:
    return Signer(secret, salt=purpose, **_SIGNER_OPTIONS)


def sign(secret: bytes, purpose: str, payload: dict[str, Any]) -> str:
    """A cookie-safe string holding ``payload`` (readable by anyone: never put secrets in it)."""
    return _serializer(secret, purpose).dumps(payload)


def unsign(secret: bytes, purpose: str, value: str | None, max_age: int) -> dict[str, Any] | None:
    """The payload, or None when the value is missing, malformed, not ours or too old."""
    if not value:
        return None
    try:
        payload = _serializer(secret, purpose).loads(value, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    return payload if isinstance(payload, dict) else None


def token_for(secret: bytes, purpose: str, nonce: str) -> str:
    """A token derived from a nonce (the CSRF token shown in forms)."""
    return _signer(secret, purpose).get_signature(nonce).decode()


def token_matches(secret: bytes, purpose: str, nonce: str, token: str) -> bool:
    """Constant-time check that ``token`` was made from ``nonce`` with our key."""
    if not nonce or not token:
        return False
    return _signer(secret, purpose).verify_signature(nonce, token)
