import time

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer

from chalicelib.web.session import Ticket, read_cookies
from chalicelib.web.signing import sign, token_for, token_matches, unsign

SECRET = b"k" * 32
HOUR = 3600


def test_a_signed_value_reads_back():
    value = sign(SECRET, "cc_session", {"u": "kristina"})
    assert unsign(SECRET, "cc_session", value, HOUR) == {"u": "kristina"}


def test_a_value_signed_for_one_cookie_is_refused_for_another():
    assert unsign(SECRET, "cc_challenge", sign(SECRET, "cc_session", {"u": "x"}), HOUR) is None


def test_tampering_and_garbage_are_refused():
    value = sign(SECRET, "p", {"r": "case_manager"})
    forged = sign(b"other-secret", "p", {"r": "supervisor"})
    body, _, mac = value.rpartition(".")
    spliced = forged.rpartition(".")[0] + "." + mac
    for bad in (spliced, forged, value + "x", "", None, "a.b.c", "###.###", body):
        assert unsign(SECRET, "p", bad, HOUR) is None


def test_a_value_older_than_its_limit_is_refused(now, monkeypatch):
    value = sign(SECRET, "p", {"u": "kristina"})
    later = now.timestamp() + 2 * HOUR
    monkeypatch.setattr(time, "time", lambda: later)
    assert unsign(SECRET, "p", value, HOUR) is None


def test_values_are_signed_with_sha256_not_itsdangerous_default_sha1():
    value = sign(SECRET, "p", {"u": "x"})
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer(SECRET, salt="p").loads(value, max_age=HOUR)
    assert len(value.rpartition(".")[2]) == 43  # 32 bytes of HMAC-SHA256, base64 unpadded


def test_csrf_tokens_depend_on_the_nonce_and_the_key():
    token = token_for(SECRET, "csrf", "a")
    assert token != token_for(SECRET, "csrf", "b")
    assert token_matches(SECRET, "csrf", "a", token)
    assert not token_matches(SECRET, "csrf", "b", token)
    assert not token_matches(b"other", "csrf", "a", token)
    assert not token_matches(SECRET, "csrf", "", token_for(SECRET, "csrf", ""))
    assert not token_matches(SECRET, "csrf", "a", "not base64 at all!")


def test_a_session_ticket_round_trips_and_rejects_incomplete_payloads():
    ticket = Ticket("abc", "kristina")
    assert Ticket.from_cookie_value(SECRET, ticket.to_cookie_value(SECRET)) == ticket
    assert Ticket.from_cookie_value(SECRET, sign(SECRET, "cc_session", {"s": "abc"})) is None
    assert Ticket.from_cookie_value(SECRET, sign(SECRET, "cc_session", {"s": 1, "u": 2})) is None
    assert Ticket.from_cookie_value(SECRET, sign(SECRET, "cc_other", {"s": "a", "u": "b"})) is None


def test_a_malformed_cookie_header_counts_as_none():
    assert read_cookies('bad"cookie=; =x; ;;') == {}
    assert read_cookies('a="unterminated') == {}
    assert read_cookies("cc_csrf=abc; other=1") == {"cc_csrf": "abc", "other": "1"}
