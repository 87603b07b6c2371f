from chalicelib.web.session import read_cookies
from chalicelib.web.signing import sign, token_for, unsign

SECRET = b"k" * 32


def test_a_signed_value_reads_back():
    assert unsign(SECRET, "cc_session", sign(SECRET, "cc_session", {"u": "kristina"})) == {
        "u": "kristina"
    }


def test_a_value_signed_for_one_cookie_is_refused_for_another():
    assert unsign(SECRET, "cc_challenge", sign(SECRET, "cc_session", {"u": "x"})) is None


def test_tampering_and_garbage_are_refused():
    value = sign(SECRET, "p", {"r": "case_manager"})
    mac = value.split(".")[1]
    forged = sign(b"other-secret", "p", {"r": "supervisor"}).split(".")[0]
    for bad in (f"{forged}.{mac}", value + "x", "", None, "a.b.c", "###.###"):
        assert unsign(SECRET, "p", bad) is None


def test_csrf_tokens_depend_on_the_nonce():
    assert token_for(SECRET, "csrf", "a") != token_for(SECRET, "csrf", "b")


def test_a_malformed_cookie_header_counts_as_none():
    assert read_cookies('bad"cookie=; =x; ;;') == {}
    assert read_cookies('a="unterminated') == {}
    assert read_cookies("cc_csrf=abc; other=1") == {"cc_csrf": "abc", "other": "1"}
