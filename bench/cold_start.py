"""Cold start, in figures each from fresh interpreters (median of several).

1. ``import app`` against its irreducible dependencies, ``import chalice, pynamodb.models``
   (the request paths never need boto3), and the floor any Chalice + PynamoDB webhook pays:
   those imports and one DynamoDB client.
2. The first request after the import (an inbound text, which reads and writes several
   tables) against a second one in the same process, and how many botocore clients each
   builds. Goal: one DynamoDB client per process, so the first request pays for one.
3. The cold path (``import app`` + the first inbound text) divided by the floor. Goal: at
   most 1.15, so whatever the first text does not need is loaded by what needs it.
4. With ``--zip DIR`` (an unpacked deployment zip), the floor and ``import app`` from that
   directory alone (``python -I -S``, as Lambda runs it), read-only bytecode as shipped and
   with the zip's ``__pycache__`` ignored (each module compiled at every start).

Both sides of the import figure run alternately, with bytecode cached in a fresh temporary
directory, so neither pays for compiling and both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUNS = max(9, int(os.environ.get("BENCH_RUNS", "11")))
REQUEST_RUNS = max(5, int(os.environ.get("BENCH_REQUEST_RUNS", "7")))
BASELINE = "import chalice, pynamodb.models"
FLOOR = (
    "import chalice, pynamodb.models, botocore.session; "
    "botocore.session.get_session().create_client('dynamodb', region_name='us-west-2', "
    "aws_access_key_id='x', aws_secret_access_key='x')"
)
APP = "import app"
GOAL = 1.15
PROBE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def interpreter_env(pycache: str) -> dict[str, str]:
    """Bytecode written once into ``pycache`` and read back by every later run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def cold_import(
    stmt: str, env: dict[str, str], flags: tuple[str, ...] = (), cwd: Path = ROOT
) -> float:
    out = subprocess.run(
        [sys.executable, *flags, "-c", PROBE.format(stmt=stmt)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def import_figure(pycache: str) -> tuple[float, float]:
    """Medians of ``import app``, of its dependencies and of the floor; (app, floor) in ms."""
    env = interpreter_env(pycache)
    cold_import(APP, env)  # compile and cache, and warm the file system
    cold_import(FLOOR, env)
    found = alternating({"dependencies": BASELINE, "floor": FLOOR, "app": APP}, env)
    print(f"cold {BASELINE:<33}: {found['dependencies']:7.1f} ms (median of {RUNS})")
    print(f"floor: those + one DynamoDB client    : {found['floor']:7.1f} ms (median of {RUNS})")
    print(f"cold {APP:<33}: {found['app']:7.1f} ms (median of {RUNS})")
    return found["app"], found["floor"]


def alternating(
    statements: dict[str, str],
    env: dict[str, str],
    flags: tuple[str, ...] = (),
    cwd: Path = ROOT,
) -> dict[str, float]:
    """Each statement's median in ms, the runs interleaved so all see the same load."""
    times: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(RUNS):
        for name, stmt in statements.items():
            times[name].append(cold_import(stmt, env, flags, cwd))
    return {name: statistics.median(found) * 1000 for name, found in times.items()}


def zip_figure(unpacked: Path) -> None:
    """The floor and ``import app`` from an unpacked zip alone, with its bytecode and
    without (``-B`` and a cache prefix nobody wrote: every module compiled each time)."""
    prefix = f"import sys; sys.path.insert(0, {str(unpacked)!r}); "
    statements = {"floor": prefix + FLOOR, "app": prefix + APP}
    env = {"PATH": "/usr/bin:/bin", "STAGE": "demo", "AWS_DEFAULT_REGION": "us-west-2"}
    with tempfile.TemporaryDirectory(prefix="bench-nothing-cached-") as empty:
        for label, flags in (
            ("zip, its bytecode", ("-I", "-S", "-B")),
            ("zip, no bytecode", ("-I", "-S", "-B", "-X", f"pycache_prefix={empty}")),
        ):
            cold_import(statements["app"], env, flags, unpacked)  # warm the file system
            found = alternating(statements, env, flags, unpacked)
            print(
                f"{label:<19}: floor {found['floor']:7.1f} ms, import app {found['app']:7.1f}"
                f" ms (median of {RUNS})"
            )


def seed_client() -> str:
    """A client in the Probation department whose texts the probe sends; returns its number."""
    from chalicelib import bootstrap
    from chalicelib.domain.clients import Client
    from chalicelib.domain.users import Role, User

    stores = bootstrap.stores()
    stores.users.save(
        User("bench-cold", "Bench Cold", "c@x.invalid", Role.CASE_MANAGER, "probation")
    )
    phone = "+17205550142"  # moto starts empty for each run, so any unused number will do
    client = Client(
        client_id=secrets.token_hex(10),
        department_id="probation",
        case_manager_id="bench-cold",
        first_name="Cold",
        last_name="Start",
        phone=phone,
    )
    stores.clients.add(client)
    return phone


def probe_once(phone: str, pycache: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "first_request_probe.py"), phone],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=interpreter_env(pycache),  # now with the local stack's settings
    )
    if out.returncode != 0:
        raise RuntimeError(f"probe failed:\n{out.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def request_figure(pycache: str) -> tuple[float, float, float]:
    """The first two texts of fresh processes, each run beside a floor measured on the same
    load; medians in ms: (first text, whole process's cold path, floor)."""
    sys.path.insert(0, str(ROOT))
    from infra.local.stack import LocalStack

    stack = LocalStack(
        app_port=0,
        twilio_port=0,
        moto_port=0,
        websocket_port=0,
        serve_app=False,
        seed=False,
        prefix="bench-cold-",
        live_updates=False,
    ).start()
    env = interpreter_env(pycache)
    try:
        phone = seed_client()
        probe_once(phone, pycache)  # compile and cache what the first request imports
        floors: list[float] = []
        probes: list[dict[str, Any]] = []
        for _ in range(REQUEST_RUNS):
            floors.append(cold_import(FLOOR, env) * 1000)
            probes.append(probe_once(phone, pycache))
    finally:
        stack.stop()
    runs = [probe["requests"] for probe in probes]
    for n, label in enumerate(("first request after import", "second request")):
        ms = statistics.median(run[n]["ms"] for run in runs)
        building = statistics.median(run[n]["create_client_ms"] for run in runs)
        built = runs[-1][n]["built"]
        clients = sum(v for k, v in built.items() if k.startswith("client:"))
        detail = ", ".join(f"{k} {v}" for k, v in sorted(built.items())) or "nothing"
        print(
            f"{label:<27}: {ms:7.1f} ms, of which building botocore clients {building:6.1f} ms"
            f" (median of {REQUEST_RUNS}); {clients} clients built [{detail}]"
        )
    first = statistics.median(run[0]["ms"] for run in runs)
    second = statistics.median(run[1]["ms"] for run in runs)
    print(f"first request adds                    : {first - second:7.1f} ms over the second")
    cold = statistics.median(p["import_ms"] + p["requests"][0]["ms"] for p in probes)
    return first, cold, statistics.median(floors)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, help="an unpacked deployment zip to measure too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        app_ms, floor_ms = import_figure(pycache)
        first_ms, whole_ms, floor_beside_ms = request_figure(pycache)
    # The app imports what a request needs on first use (chalicelib/lazy.py), so part of the
    # import moved into the first request: the whole cold path is the figure to watch.
    ratio = (app_ms + first_ms) / floor_ms
    verdict = "ok" if ratio <= GOAL else "OVER GOAL"
    print(
        f"cold path, import app + first inbound text: {app_ms + first_ms:7.1f} ms "
        f"= {ratio:.2f} x the floor (goal <= {GOAL}: {verdict})"
    )
    # The probe imports botocore before the app (to count clients), so the figure above
    # leaves botocore's import out of the first text; one process timing it all does not.
    print(
        f"the same in one process, botocore's import included: {whole_ms:7.1f} ms "
        f"= {whole_ms / floor_beside_ms:.2f} x the floor ({floor_beside_ms:.1f} ms beside it)"
    )
    if args.zip:
        zip_figure(args.zip.resolve())


if __name__ == "__main__":
    main()
