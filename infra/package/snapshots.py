"""Release schema snapshots: ``infra/package/snapshots/<version>.json``, each table's schema as
that release's models declare it (keys, attribute definitions, indexes with their projection,
stream, TTL attribute, billing).

``make package`` writes the snapshot of the release it packages when it has none yet (it
never overwrites one: a unit test compares the committed snapshot with the models), so every
release leaves one behind; ``infra/ops/upgrade_plan`` compares a deployed table with the
models in the same shape, and its rehearsal builds the previous releases' tables from theirs.
``make snapshot`` (or ``python -m infra.package.snapshots``) writes the current release's;
``--app-dir`` reads another checkout (``git worktree add /tmp/v017 v0.17.0``) in a process of
its own, so its models never meet ours.

This module imports only the standard library and PynamoDB: it is also run inside an old
checkout, where nothing of ours exists.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"
BILLING = "PAY_PER_REQUEST"  # every table the template makes (infra/package/tables.py)
KEY_ORDER = {"HASH": 0, "RANGE": 1}
EMIT_TIMEOUT_SECONDS = 120


def table_schema(model: Any) -> dict[str, Any]:
    """One model's table, in the shape DescribeTable is compared in (``infra/ops``)."""
    from pynamodb.attributes import TTLAttribute

    schema = model._get_schema()
    ttl = next(
        (a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)),
        None,
    )
    return {
        "key_schema": keys(schema["key_schema"]),
        "attribute_definitions": {
            d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]
        },
        "global_secondary_indexes": indexes(schema["global_secondary_indexes"]),
        "local_secondary_indexes": indexes(schema["local_secondary_indexes"]),
        "stream": getattr(model.Meta, "stream_view_type", None),
        "ttl": ttl,
        "billing": BILLING,
    }


def keys(schema: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """``[[name, HASH], [name, RANGE]]``, hash first, whatever order they were declared in."""
    ordered = sorted(schema, key=lambda k: KEY_ORDER[k["KeyType"]])
    return [[k["AttributeName"], k["KeyType"]] for k in ordered]


def indexes(found: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``{index name: {key_schema, projection}}`` from PynamoDB's snake_case index schema."""
    shaped: dict[str, Any] = {}
    for index in found:
        projection = index["projection"]
        shaped[index["index_name"]] = {
            "key_schema": keys(index["key_schema"]),
            "projection": {
                "type": projection["ProjectionType"],
                "attributes": sorted(projection.get("NonKeyAttributes") or []),
            },
        }
    return dict(sorted(shaped.items()))


def snapshot(version: str, models: Mapping[str, Any]) -> dict[str, Any]:
    """``{"release", "tables": {base name: schema}}`` for models keyed by base table name."""
    tables = {base: table_schema(model) for base, model in sorted(models.items())}
    return {"release": version, "tables": tables}


def current() -> dict[str, Any]:
    """This checkout's snapshot (its models, bound or not, under their base names)."""
    from chalicelib.store.models import ALL_MODELS
    from chalicelib.store.tables import base_name
    from chalicelib.version import __version__

    return snapshot(__version__, {base_name(model): model for model in ALL_MODELS})


def render(made: Mapping[str, Any]) -> str:
    return json.dumps(made, indent=2, sort_keys=True) + "\n"


def path_for(version: str, directory: Path = SNAPSHOT_DIR) -> Path:
    return directory / f"{version}.json"


def write(made: Mapping[str, Any], directory: Path = SNAPSHOT_DIR, name: str | None = None) -> Path:
    """Write a snapshot as ``<name or its release>.json``; its path."""
    target = path_for(name or str(made["release"]), directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(made), encoding="utf-8")
    return target


def load(version: str, directory: Path = SNAPSHOT_DIR) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path_for(version, directory).read_text(encoding="utf-8"))
    return loaded


def emit() -> None:
    """Run inside another checkout (cwd): print its snapshot. Reads its models' base names
    before anything binds them, and its version from ``chalicelib/version.py`` if it has one."""
    import chalicelib.store.models as old_models

    try:
        from chalicelib.version import __version__ as version
    except ImportError:
        version = "unknown"
    named = {model.Meta.table_name: model for model in old_models.ALL_MODELS}
    sys.stdout.write(render(snapshot(version, named)))


def of_checkout(app_dir: Path) -> dict[str, Any]:
    """The snapshot of another checkout's models, read in a process of its own."""
    code = f"import runpy; runpy.run_path({str(Path(__file__).resolve())!r})['emit']()"
    done = subprocess.run(  # noqa: S603 - our interpreter, our code, in that checkout
        [sys.executable, "-c", code],
        cwd=app_dir,
        capture_output=True,
        text=True,
        timeout=EMIT_TIMEOUT_SECONDS,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"could not read the models of {app_dir}:\n{done.stderr[-2000:]}")
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def main(argv: list[str] | None = None) -> int:
    made = argparse.ArgumentParser(prog="python -m infra.package.snapshots", description=__doc__)
    made.add_argument("--app-dir", type=Path, help="another checkout (default: this one)")
    made.add_argument("--name", help="file name without .json (default: the release's version)")
    made.add_argument("--out", type=Path, default=SNAPSHOT_DIR, help="directory to write into")
    made.add_argument(
        "--if-missing",
        action="store_true",
        help="write only a release's first snapshot; say if the models differ from it "
        "(make package: it never overwrites a committed snapshot)",
    )
    args = made.parse_args(argv)
    taken = of_checkout(args.app_dir) if args.app_dir else current()
    if args.name and taken["release"] == "unknown":  # a commit before version.py existed
        taken["release"] = args.name
    existing = path_for(args.name or str(taken["release"]), args.out)
    if args.if_missing and existing.is_file():
        if json.loads(existing.read_text(encoding="utf-8")) != taken:
            print(f"the models differ from {existing}: run `make snapshot` and commit it")
        return 0
    print(f"wrote {write(taken, args.out, args.name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
