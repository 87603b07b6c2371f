"""A 5,000-row court-date file through the import pages, as a supervisor's browser sends it.

Prints the upload and preview times, each apply request's time (the slowest must stay far
inside API Gateway's 29 s: goal 5 s here), rows per second, and importing the same file
again: it changes nothing, so Apply is not even offered, and its time over the first
import's is the re-import ratio (goal at most 1.0). The file has 5,000 dates for 1,000
clients, 5 each, with case numbers.

Usage: python bench/court_import.py [rows]
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import start_stack, web_client

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
PER_CLIENT = 5


def main() -> None:
    stack = start_stack(seed=True)
    try:
        run()
    finally:
        stack.stop()


def run() -> None:
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.domain.clients import Client
    from tests.helpers import WebVisitor, csrf_in
    from tests.integration.test_court_import_pages import apply_step, upload

    stores = bootstrap.stores()
    clients = max(1, ROWS // PER_CLIENT)
    for i in range(clients):
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                "kristina",
                f"Import{i}",
                "Bench",
                f"+1{('303', '503', '617', '702', '206')[i // 250]}5552{i % 250:03d}",
                id_number=f"B{i:05d}",
            )
        )
    zone = get_jurisdiction().zone
    start = datetime.now(UTC).astimezone(zone).date() + timedelta(days=20)
    lines = ["id_number,date,time,room,location,case_number"]
    for n in range(ROWS):
        day = start + timedelta(days=n % 60)
        lines.append(f"B{n % clients:05d},{day.isoformat()},09:30,W{n % 40},,C-{n}")
    data = ("\n".join(lines) + "\n").encode()
    print(f"file: {ROWS} rows, {len(data) / 1024:.0f} KB, {clients} clients")

    with web_client() as client:
        dana = WebVisitor(client.http).sign_in("dana")
        first = timed_import(dana, data, upload, apply_step, csrf_in)
        again = timed_import(dana, data, upload, apply_step, csrf_in)
    report("first import", first)
    report("same file again", again)
    slowest = max(first["chunks"] + again["chunks"] or [0.0])
    print(f"slowest apply request: {slowest:.2f} s (goal at most 5)")
    print(f"re-import / first import: {again['total'] / first['total']:.2f} (goal at most 1.0)")


def timed_import(visitor, data: bytes, upload, apply_step, csrf_in) -> dict:
    began = time.perf_counter()
    import_id = upload(visitor, data)
    uploaded = time.perf_counter()
    page = visitor.get(f"/imports/{import_id}").body.decode()
    previewed = time.perf_counter()
    token = csrf_in(page)
    chunks: list[float] = []
    applied: dict = {"applied": "nothing: Apply not offered"}
    offered = "Apply these changes" in page
    while offered and not applied.get("done"):
        t = time.perf_counter()
        response = apply_step(visitor, import_id, token)
        chunks.append(time.perf_counter() - t)
        assert response.status_code == 200, response.body[:300]
        applied = json.loads(response.body)
    return {
        "upload": uploaded - began,
        "preview": previewed - uploaded,
        "chunks": chunks,
        "applied": applied.get("applied"),
        "total": time.perf_counter() - began,
    }


def report(label: str, run: dict) -> None:
    chunks = run["chunks"] or [0.0]
    applying = sum(chunks)
    rate = f" = {ROWS / applying:.0f} rows/s" if applying else ""
    print(
        f"{label:<16} upload {run['upload']:.2f} s, preview {run['preview']:.2f} s, "
        f"{len(run['chunks'])} apply requests: slowest {max(chunks):.2f} s (goal 5; API "
        f"Gateway allows 29), applying {applying:.1f} s{rate}; whole {run['total']:.1f} s; "
        f"applied {run['applied']}"
    )


if __name__ == "__main__":
    main()
