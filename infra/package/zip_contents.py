"""What the zip carries: only what runs, compiled to bytecode for Lambda's Python.

Lambda unpacks the zip into a read-only directory, so Python can never write the bytecode
it compiles there: without ``__pycache__`` in the zip, every cold start compiles each module
it imports (the app, Chalice, PynamoDB, botocore, Twilio...) again. So the build compiles
them here, with the interpreter Chalice packages for (its Python is Lambda's), into
*unchecked-hash* pycs (PEP 552): read without looking at the source's mtime or hash, which
is right for files nobody can change once deployed.

Left out, because nothing in the app can reach them:
- botocore's models of the ~450 services the app never calls (17 MB zipped of 33); the
  kept list is checked against every ``aws_client("...")`` in ``chalicelib/`` by a test.
  Lambda's runtime ships its own botocore, but a different, moving version: the zip keeps
  the pinned one the tests ran with.
- aiohttp and what only it uses (yarl, multidict, attrs...; 3.5 MB zipped): Twilio
  requires them for its asyncio client, which the app never builds (its HTTP client is
  ``adapters/twilio_http.py``, on requests). A test imports the Twilio client from the zip.
- type stubs (``.pyi``), read by type checkers only.
Not compiled (they still import, compiled in memory, should anything ever use them): the
Twilio products other than the REST API's ``api`` (Messages), and phonenumbers' geocoder,
carrier and time-zone tables should a full phonenumbers come back (requirements name
phonenumberslite, which has none: country names are ``domain/country_names.py``).

Dependencies are compiled once per Chalice cache entry (``slim``, ~9 s): an entry keeps its
pycs, and the kept dependencies are copied from it. The app's own code (``app.py``,
``chalicelib/``, Chalice's runtime), which Chalice replaces in those entries, is compiled
into each build's zip only (``add_app_bytecode``), never into the cache: a stale
unchecked pyc would run old code.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# The AWS services the app's code builds clients for (chalicelib/bootstrap.py, adapters/,
# Powertools' SSM parameters). A service missing here fails at its first call.
BOTOCORE_SERVICES = frozenset(
    {"dynamodb", "sqs", "ses", "cognito-idp", "ssm", "apigatewaymanagementapi"}
)
BOTOCORE_DATA = "botocore/data/"
# Twilio's asyncio client's dependencies (twilio/http/async_http_client.py imports them).
ASYNC_ONLY = frozenset(
    {
        "aiohttp",
        "aiohttp_retry",
        "aiohappyeyeballs",
        "aiosignal",
        "frozenlist",
        "multidict",
        "yarl",
        "propcache",
        "attr",
        "attrs",
    }
)
# Bumped whenever what is left out changes, so kept dependencies are slimmed again.
FORMAT = "slim2"
# Rewritten by Chalice in every build (its ``_needs_latest_version``): compiled per build.
APP_CODE = ("app.py", "chalicelib/", "chalice/")
TWILIO_PRODUCTS = "twilio/rest/"
TWILIO_PRODUCTS_USED = frozenset({"api"})
NOT_COMPILED = ("phonenumbers/geodata/", "phonenumbers/carrierdata/", "phonenumbers/tzdata/")
PYCACHE = "__pycache__"
HASH_BASED_UNCHECKED = 0b01  # PEP 552 flags: hash-based, source not checked
ZIP_BUDGET_BYTES = 25_000_000  # the goal of issue 19: 33.6 MB before it
LARGEST_SHOWN = 5


class ZipTooLarge(Exception):
    """The zip is over its budget; the message names the largest packages."""


def lambda_python_matches(lambda_python: str) -> bool:
    """True when this interpreter's bytecode is what ``lambda_python`` ("python3.11") runs."""
    return lambda_python == f"python{sys.version_info.major}.{sys.version_info.minor}"


def left_out(name: str) -> bool:
    """True for an entry the zip does not carry."""
    if name.endswith(".pyi"):
        return True
    top = name.split("/", 1)[0]
    if top.split("-", 1)[0].lower() in ASYNC_ONLY:  # the package or its .dist-info
        return True
    if name.startswith(BOTOCORE_DATA):
        service = name[len(BOTOCORE_DATA) :].split("/", 1)
        return len(service) == 2 and service[0] not in BOTOCORE_SERVICES
    return False


def is_app_code(name: str) -> bool:
    return name.startswith(APP_CODE)


def compiled(name: str) -> bool:
    """True for a module whose bytecode the zip carries."""
    if not name.endswith(".py") or left_out(name) or name.startswith(NOT_COMPILED):
        return False
    if name.startswith(TWILIO_PRODUCTS):
        product = name[len(TWILIO_PRODUCTS) :].split("/", 1)
        return len(product) == 1 or product[0] in TWILIO_PRODUCTS_USED
    return True


def pyc_name(name: str) -> str:
    """Where Python looks for ``name``'s bytecode: ``dir/__pycache__/mod.cpython-311.pyc``."""
    folder, _, module = name.rpartition("/")
    tag = sys.implementation.cache_tag
    cached = f"{PYCACHE}/{module.removesuffix('.py')}.{tag}.pyc"
    return f"{folder}/{cached}" if folder else cached


def bytecode(source: bytes, name: str) -> bytes | None:
    """An unchecked-hash pyc of ``source``; None when this Python cannot compile it."""
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        return None  # e.g. a file for another Python: it would fail on import anyway
    flags = HASH_BASED_UNCHECKED.to_bytes(4, "little")
    return (
        importlib.util.MAGIC_NUMBER
        + flags
        + importlib.util.source_hash(source)
        + (marshal.dumps(code))
    )


def needs_slimming(names: list[str]) -> bool:
    """True if the zip holds what it should not, or a dependency lacks its bytecode."""
    present = set(names)
    return any(left_out(n) for n in names) or any(
        compiled(n) and not is_app_code(n) and pyc_name(n) not in present for n in names
    )


def slim(archive_path: Path) -> bool:
    """Rewrite ``archive_path`` without what is left out, its dependencies compiled; False
    if it already was (the app's code is left as it is: see ``add_app_bytecode``)."""
    with zipfile.ZipFile(archive_path) as source:
        if not needs_slimming(source.namelist()):
            return False
        handle, draft_name = tempfile.mkstemp(prefix=".slim.", dir=archive_path.parent)
        os.close(handle)
        draft = Path(draft_name)
        try:
            with zipfile.ZipFile(draft, "w", compression=zipfile.ZIP_DEFLATED) as target:
                present: set[str] = set()  # pycs written so far (any old ones are dropped)
                for entry in source.infolist():
                    if left_out(entry.filename) or entry.filename.endswith(".pyc"):
                        continue
                    data = source.read(entry)
                    target.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
                    if not is_app_code(entry.filename):
                        _add_pyc(target, entry, data, present)
            draft.chmod(0o644)
            os.replace(draft, archive_path)  # whole or not at all: other builds read it
        finally:
            draft.unlink(missing_ok=True)
    return True


def add_app_bytecode(archive_path: Path) -> int:
    """Append the bytecode of the app's own code (Chalice's runtime included); how many."""
    with zipfile.ZipFile(archive_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        present = set(archive.namelist())
        added = 0
        for entry in archive.infolist():
            if is_app_code(entry.filename):
                added += _add_pyc(archive, entry, archive.read(entry), present)
    return added


def _add_pyc(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, source: bytes, present: set[str]
) -> int:
    if not compiled(entry.filename) or pyc_name(entry.filename) in present:
        return 0
    pyc = bytecode(source, entry.filename)
    if pyc is None:
        return 0
    cached = zipfile.ZipInfo(pyc_name(entry.filename), date_time=entry.date_time)
    cached.external_attr = entry.external_attr  # world-readable, as its source
    archive.writestr(cached, pyc, compress_type=zipfile.ZIP_DEFLATED)
    present.add(cached.filename)
    return 1


@dataclass(frozen=True)
class ZipSize:
    zipped: int
    unzipped: int
    largest: tuple[tuple[str, int], ...]  # top-level package → bytes zipped, largest first

    def describe(self) -> str:
        parts = ", ".join(f"{name} {size / 1e6:.1f}" for name, size in self.largest)
        return (
            f"{self.zipped / 1e6:.1f} MB zipped, {self.unzipped / 1e6:.1f} MB unzipped; "
            f"largest (MB zipped): {parts}"
        )


def size_of(archive_path: Path) -> ZipSize:
    """The zip's size on disk and unpacked, and its largest top-level packages."""
    per_package: Counter[str] = Counter()
    unzipped = 0
    with zipfile.ZipFile(archive_path) as archive:
        for entry in archive.infolist():
            per_package[_package_of(entry.filename)] += entry.compress_size
            unzipped += entry.file_size
    largest = tuple(per_package.most_common(LARGEST_SHOWN))
    return ZipSize(archive_path.stat().st_size, unzipped, largest)


def check_budget(size: ZipSize, budget: int = ZIP_BUDGET_BYTES) -> None:
    """Raise ``ZipTooLarge`` when the zip is over ``budget`` bytes."""
    if size.zipped > budget:
        raise ZipTooLarge(
            f"the zip is {size.zipped / 1e6:.1f} MB, over its budget of {budget / 1e6:.1f} MB "
            f"({size.describe()}). Leave out what never runs (infra/package/zip_contents.py) "
            "or raise the budget on purpose."
        )


def _package_of(name: str) -> str:
    top = name.split("/", 1)[0]
    return top.split(".", 1)[0] if "/" not in name else top
