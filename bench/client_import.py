"""A 2,000-row client spreadsheet through the import pages, as a supervisor's browser sends it.

Prints the upload (planning) and preview times, each apply request's time (goal: far
inside API Gateway's 29 s, 5 s here), rows per second while applying, DynamoDB calls per
row (upload and apply counted apart; goal for applying: about 1 per new client, its one
transaction, plus a chunk read and a progress write per 100 rows), and the same file
imported again: every row "already here", nothing offered to apply.

Usage: python bench/client_import.py [rows]
       python bench/client_import.py --sample ROWS CASE_MANAGER FILE   (a demo CSV for make run)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import counting, install_counter, start_stack, web_client

AREAS = ("303", "503", "617", "702", "206", "212", "312", "415", "512", "614")
FIRST = ("Ana", "Ben", "Cruz", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo")
LAST = ("Ruiz", "Okafor", "Lund", "Nguyen", "Baker", "Díaz", "Stone", "Park", "Moreno", "Ali")


def sample(rows: int, case_manager: str) -> bytes:
    """A CSV of ``rows`` distinct clients with the documented columns."""
    lines = ["first name,last name,phone,language,id number,case manager username"]
    for n in range(rows):
        phone = f"+1{AREAS[n // 1000 % len(AREAS)]}5553{n % 1000:03d}"
        language = "Spanish" if n % 4 == 0 else ""
        lines.append(
            f"{FIRST[n % 10]},{LAST[n // 10 % 10]}{n},{phone},{language},IMP{n:05d},{case_manager}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    if sys.argv[1:2] == ["--sample"]:
        rows, case_manager, target = int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
        target.write_bytes(sample(rows, case_manager))
        print(f"wrote {rows} clients for {case_manager} to {target}")
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    install_counter()
    stack = start_stack(seed=True)
    try:
        run(rows)
    finally:
        stack.stop()


def run(rows: int) -> None:
    from tests.helpers import WebVisitor, csrf_in
    from tests.integration.test_client_imports import apply_step, upload

    data = sample(rows, "kristina")
    print(f"file: {rows} rows, {len(data) / 1024:.0f} KB")
    with web_client() as client:
        dana = WebVisitor(client.http).sign_in("dana")
        first = timed_import(dana, data, upload, apply_step, csrf_in)
        again = timed_import(dana, data, upload, apply_step, csrf_in)
    report("first import", rows, first)
    report("same file again", rows, again)


def timed_import(visitor, data: bytes, upload, apply_step, csrf_in) -> dict:
    began = time.perf_counter()
    with counting() as calls:
        import_id = upload(visitor, data)
    upload_calls = sum(calls.values())
    uploaded = time.perf_counter()
    page = visitor.get(f"/client-imports/{import_id}").body.decode()
    previewed = time.perf_counter()
    token = csrf_in(page)
    chunks: list[float] = []
    answer: dict = {"tally": "nothing: Apply not offered"}
    apply_calls = 0
    offered = "Add these clients" in page
    while offered and not answer.get("done"):
        t = time.perf_counter()
        with counting() as calls:
            response = apply_step(visitor, import_id, token)
        apply_calls += sum(calls.values())
        chunks.append(time.perf_counter() - t)
        assert response.status_code == 200, response.body[:300]
        answer = json.loads(response.body)
    return {
        "upload": uploaded - began,
        "preview": previewed - uploaded,
        "chunks": chunks,
        "tally": answer.get("tally"),
        "upload_calls": upload_calls,
        "apply_calls": apply_calls,
        "total": time.perf_counter() - began,
    }


def report(label: str, rows: int, run: dict) -> None:
    chunks = run["chunks"] or [0.0]
    applying = sum(run["chunks"])
    rate = f" = {rows / applying:.0f} rows/s" if applying else ""
    print(
        f"{label:<16} upload {run['upload']:.2f} s ({run['upload_calls']} DynamoDB calls, "
        f"{run['upload_calls'] / rows:.2f} a row), preview {run['preview']:.2f} s, "
        f"{len(run['chunks'])} apply requests: slowest {max(chunks):.2f} s (goal 5; API "
        f"Gateway allows 29), applying {applying:.1f} s{rate}, {run['apply_calls']} "
        f"DynamoDB calls ({run['apply_calls'] / rows:.2f} a row); whole {run['total']:.1f} s; "
        f"tally {run['tally']}"
    )


if __name__ == "__main__":
    main()
