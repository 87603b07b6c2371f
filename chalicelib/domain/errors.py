"""Errors the domain and the use cases raise; the web layer turns each into a page."""

from __future__ import annotations


class ClientCommError(Exception):
    """Base of every error we raise on purpose."""


class ValidationFailed(ClientCommError):
    """Input was refused; ``field_errors`` maps a form field to a message for a person."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in field_errors.items()))
        self.field_errors = field_errors


class NotFound(ClientCommError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class Forbidden(ClientCommError):
    """The signed-in user may not do this."""


class Conflict(ClientCommError):
    """A rule that spans records refused the change (a number already in use, a stale form)."""


class StaleRecord(Conflict):
    """Someone else saved the record after the form was opened."""


class NotStored(ClientCommError):
    """A write did not happen (conflicts or throttling that outlasted the retries, or the
    database failing). Nothing was saved; the person or Twilio should try again."""
