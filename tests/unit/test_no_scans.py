"""No request path may Scan a table: every read is a GetItem or a Query on a key."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "chalicelib"


def test_the_app_never_scans_a_table():
    offenders = [
        f"{path.relative_to(APP.parent)}:{n}"
        for path in APP.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.scan\(|[\"']Scan[\"']|\brate_limited_scan\b", line)
    ]
    assert offenders == []
