"""Is a webhook signed by Twilio? Apart from the REST gateway (``twilio_gateway``), whose
module and error mapping a webhook never needs: every webhook checks a signature, and a
cold Lambda's first inbound text should load no more than that."""

from __future__ import annotations


def signature_is_valid(auth_token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Twilio signs the exact public URL it called plus the sorted form fields."""
    from twilio.request_validator import RequestValidator

    return bool(signature) and RequestValidator(auth_token).validate(url, params, signature)
