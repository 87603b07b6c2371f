"""The layers as docs/decisions.md draws them: web → services → store / adapters → domain.

Read from the source (every import statement, including the ones inside functions), so a
shortcut fails here before anyone has to find it in review.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
OUTSIDE_SYSTEMS = ("boto3", "botocore", "pynamodb", "twilio", "chalice", "jinja2", "jwt")
# What each layer may import from the project (besides itself).
ALLOWED = {
    "domain": set(),
    "store": {"domain", "config"},
    "adapters": {"domain", "config"},
    "services": {"domain", "store", "adapters", "config"},
    "jobs": {"services", "domain", "bootstrap", "config", "observability"},
    "web": {"services", "domain", "bootstrap", "config", "observability", "lazy", "version"},
}


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
                if node.module is None:  # from .. import x: each x may be a module
                    names.update(f"{base}.{alias.name}" for alias in node.names)
                names.add(module)
            else:
                names.add(node.module or "")
    return names


def project_layer(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "chalicelib" or len(parts) < 2:
        return None
    return parts[1]


def test_every_layer_imports_only_what_is_below_it():
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in modules(layer):
            for name in imported(path):
                target = project_layer(name)
                if target and target != layer and target not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_the_domain_imports_no_outside_system():
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules("domain")
        for name in imported(path)
        if name.split(".")[0] in OUTSIDE_SYSTEMS
    ]
    assert not wrong, "\n".join(wrong)


def test_stores_and_adapters_do_not_call_each_other():
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for layer, other in (("store", "adapters"), ("adapters", "store"))
        for path in modules(layer)
        for name in imported(path)
        if project_layer(name) == other
    ]
    assert not wrong, "\n".join(wrong)


STORE_CALL = re.compile(r"stores\([^)]*\)\.\w+\.\w+\(|\bstores\.\w+\.\w+\(")


def test_views_hand_stores_to_services_and_never_call_them():
    """A view may pass ``stores.clients`` to a use case; it may not call a store method."""
    wrong = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in modules("web")
        for match in STORE_CALL.finditer(path.read_text())
    ]
    assert not wrong, "\n".join(wrong)
