"""The local stack's gateway answers gzip to a browser that asks, as API Gateway does with
the packaged stack's minimum compression size, so pages weigh locally what they weigh on AWS."""

from __future__ import annotations

import gzip
import urllib.request


def fetch(url: str, encoding: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        return dict(answer.headers), answer.read()


def test_the_stylesheet_and_the_sign_in_page_arrive_gzipped_when_asked(stack):
    for path in ("/static/app.css", "/signin"):
        headers, packed = fetch(stack.app_url + path, "gzip, deflate, br")
        assert headers["Content-Encoding"] == "gzip", path
        assert int(headers["Content-Length"]) == len(packed)
        plain_headers, plain = fetch(stack.app_url + path, "identity")
        assert "Content-Encoding" not in plain_headers
        if path.endswith(".css"):
            assert gzip.decompress(packed) == plain
        else:  # the page carries its own CSRF token each time: compare its shape
            assert gzip.decompress(packed).startswith(b"<!doctype html>")
        assert len(packed) < len(plain) / 2
