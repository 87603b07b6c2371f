"""No request path may Scan a table: every read is a GetItem or a Query on a key.

The one exception is the records-retention job's page reader, which must find old records
in every partition of a table; no request path may reach it."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "chalicelib"
RETENTION_PAGES = APP / "store" / "retention_pages.py"  # the job's paced, checkpointed Scan


def test_the_app_never_scans_a_table():
    offenders = [
        f"{path.relative_to(APP.parent)}:{n}"
        for path in APP.rglob("*.py")
        if path != RETENTION_PAGES
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.scan\(|[\"']Scan[\"']|\brate_limited_scan\b", line)
    ]
    assert offenders == []


def test_only_the_records_retention_job_reaches_the_module_that_scans():
    """Read from the source (every import): whatever reaches the scanning pages, directly
    or through the store's retention modules, is the job's own."""
    from tests.unit.test_layers import imported

    scanning = {"chalicelib.store.retention_pages", "chalicelib.store.retention"}
    importers = {
        path.relative_to(APP.parent).as_posix()
        for path in APP.rglob("*.py")
        if imported(path) & scanning
    }
    assert importers <= {
        "chalicelib/store/retention.py",
        "chalicelib/store/retention_sweeps.py",
        "chalicelib/store/client_purge.py",
        "chalicelib/services/retention.py",
        "chalicelib/bootstrap.py",
    }
