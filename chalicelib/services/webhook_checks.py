"""Is this request really from Twilio? The one check every /webhooks/twilio/ path passes."""

from __future__ import annotations

from ..adapters.twilio_gateway import credentials, signature_is_valid


def signature_matches(url: str, form: dict[str, str], signature: str) -> bool:
    """Twilio signs the exact public URL it called plus the sorted form fields with the
    account's auth token (read per container from SSM on AWS)."""
    return signature_is_valid(credentials().auth_token, url, form, signature)


def auth_token() -> str:
    return credentials().auth_token
