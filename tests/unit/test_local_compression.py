"""The local gateway compresses as API Gateway does with a minimum compression size."""

from __future__ import annotations

import gzip

import pytest

from infra.local.compression import accepts_gzip, compressed
from infra.local.lambda_worker import HttpResponse

PAGE = b"<!doctype html><p>" + b"A conversation, long enough to be worth it. " * 60


def answer(body: bytes | None = PAGE, *extra: tuple[str, str]) -> HttpResponse:
    length = str(len(body)) if body is not None else "0"
    return HttpResponse(
        200, [("Content-Length", length), ("Content-Type", "text/html"), *extra], body
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("deflate, br", False),
        ("*", False),
        ("", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_gzip_is_used_only_when_the_browser_names_it(header, expected):
    assert accepts_gzip(header) is expected


def test_a_large_answer_is_gzipped_with_its_length_and_encoding_said():
    packed = compressed(answer(), "gzip, deflate, br")
    assert gzip.decompress(packed.body or b"") == PAGE
    headers = dict(packed.headers)
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Content-Length"] == str(len(packed.body or b"")) and len(
        packed.body or b""
    ) < len(PAGE)
    assert headers["Content-Type"] == "text/html"
    assert [name for name, _ in packed.headers].count("Content-Length") == 1


def test_small_encoded_empty_or_unasked_answers_go_as_they_are():
    small = answer(b"x" * 1023)
    assert compressed(small, "gzip") is small
    encoded = answer(PAGE, ("Content-Encoding", "br"))
    assert compressed(encoded, "gzip") is encoded
    empty = answer(None)
    assert compressed(empty, "gzip") is empty
    plain = answer()
    assert compressed(plain, "") is plain
