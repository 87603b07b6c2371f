"""A ``next=`` target goes into a Location header, which carries ASCII only: a path of ours
with other characters is kept, percent-encoded, never passed through raw."""

from __future__ import annotations

import pytest

from chalicelib.web.redirects import safe_next


@pytest.mark.parametrize(
    ("target", "kept_as"),
    [
        ("/clients/é", "/clients/%C3%A9"),
        ("/caseload?q=Peña", "/caseload?q=Pe%C3%B1a"),
        ("/caseload?q=€", "/caseload?q=%E2%82%AC"),
        ("/caseload?q=😀", "/caseload?q=%F0%9F%98%80"),
        ("/caseload?q=%C3%A9", "/caseload?q=%C3%A9"),  # already encoded: left as it is
    ],
)
def test_a_path_of_ours_with_non_ascii_characters_is_kept_percent_encoded(target, kept_as):
    assert safe_next(target) == kept_as


@pytest.mark.parametrize(
    "target",
    [
        "/\u2028/evil.example",
        "/\u0085/evil.example",
        "/\u200b/evil.example",
        "/\uff0f/evil.example",  # a fullwidth solidus stays a path character, encoded
        "/\ufeffcaseload",
        "/caseload\ud800",  # a lone surrogate cannot be encoded at all
    ],
)
def test_whatever_comes_back_is_printable_ascii(target):
    kept = safe_next(target)
    assert kept.isascii() and kept.isprintable()
    assert kept.startswith("/") and not kept.startswith("//")
