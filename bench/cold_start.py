"""Cold start: how much slower is ``import app`` than importing its unavoidable dependencies?

Each sample is a fresh interpreter (so nothing is cached in-process), median of several.
Prints the ratio  cold ``import app``  ÷  cold ``import boto3, pynamodb.models``.
Goal: ≤ 1.25 — import lazily whatever only one handler needs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def cold_import(stmt: str) -> float:
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(stmt=stmt)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"},
        )
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> None:
    cold_import("import app")  # warm the filesystem and the .pyc files once
    baseline = cold_import("import boto3, pynamodb.models")
    app = cold_import("import app")
    print(f"cold import boto3 + pynamodb.models : {baseline * 1000:7.1f} ms (median of {RUNS})")
    print(f"cold import app                     : {app * 1000:7.1f} ms (median of {RUNS})")
    print(f"ratio app / dependencies            : {app / baseline:7.2f}   (goal <= 1.25)")


if __name__ == "__main__":
    main()
