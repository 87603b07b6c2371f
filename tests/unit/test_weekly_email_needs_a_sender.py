"""Without a configured sender (a jurisdiction with no ``mail_from``) the weekly e-mail
job sends nothing and reads nothing: its role could not send, and opted-in supervisors
must not turn every Monday hour into an error."""

from __future__ import annotations

import pytest

from chalicelib.jobs import dashboard_counts


def test_no_sender_means_no_weekly_email_and_no_reads(monkeypatch):
    monkeypatch.delenv("NOTIFY_FROM_EMAIL", raising=False)

    def untouched(*_args, **_kwargs):
        raise AssertionError("the job read or sent something")

    monkeypatch.setattr(dashboard_counts.bootstrap, "stores", untouched)
    monkeypatch.setattr(dashboard_counts.bootstrap, "email", untouched)

    assert dashboard_counts.weekly_email() == {"sent": 0}


@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_sender_counts_as_none(monkeypatch, value):
    from chalicelib.config import mail_configured

    monkeypatch.setenv("NOTIFY_FROM_EMAIL", value)
    assert not mail_configured()
