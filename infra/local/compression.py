"""The local gateway's gzip, as API Gateway's with ``minimum_compression_size`` set: an
answer of at least that many bytes is compressed when the request's Accept-Encoding names
gzip and the app did not encode it itself. So ``make run`` and the browser tests get the
bytes a phone gets from the deployed stack (issue 23's page weights).

API Gateway also speaks ``deflate``; browsers all accept gzip, so only gzip is made here.
"""

from __future__ import annotations

import gzip

from infra.local.lambda_worker import HttpResponse
from infra.package.staging import MINIMUM_COMPRESSION_BYTES

GZIP_LEVEL = 6  # zlib's default: the usual trade of a server compressing on the fly


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether the header names gzip with a quality above zero (``gzip;q=0`` refuses it;
    no header, or only ``*``, gets the answer as is, as from API Gateway)."""
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() != "gzip":
            continue
        quality = params.strip().lower().removeprefix("q=").strip() if params else "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def compressed(
    response: HttpResponse, accept_encoding: str, minimum: int = MINIMUM_COMPRESSION_BYTES
) -> HttpResponse:
    """``response`` gzip-encoded when API Gateway would encode it; else unchanged."""
    body = response.body
    names = {name.lower() for name, _ in response.headers}
    if body is None or len(body) < minimum or "content-encoding" in names:
        return response
    if not accepts_gzip(accept_encoding):
        return response
    packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    headers = [(n, v) for n, v in response.headers if n.lower() != "content-length"]
    headers = [("Content-Length", str(len(packed))), ("Content-Encoding", "gzip"), *headers]
    return HttpResponse(response.status, headers, packed)
