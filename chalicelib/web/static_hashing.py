"""Content-hashed names for the static files: ``app.js`` is also served as
``app.<hash>.js``, where the hash is of the text served under that name, so a browser may
keep it for a year and a new deploy is a new name.

The scripts are ES modules that import each other by relative name (``"./drafts.js"``).
A module's served text names the *hashed* names of what it imports, so a change deep in
the graph changes the name of every module above it, up to ``app.js`` in the page; the
hash of a module is therefore taken after its imports are rewritten, building the
imported modules first. No import map: the pages' CSP forbids inline scripts.

Pure: reads files through the function it is given (static_files.py hands it the
templates/static folder).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

HASH_LENGTH = 10  # hex digits of SHA-256: 40 bits, plenty for one folder's versions
# A relative import of a sibling module: `from "./x.js"`, `import "./x.js"`, `import("./x.js")`
SPECIFIER = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])\./([\w-]+\.js)\2""")
HASHED_NAME = re.compile(
    rf"^(?P<stem>[\w-]+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})\.(?P<ext>\w+)$"
)


class StaticGraphError(ValueError):
    """The modules cannot be served by hashed name: an import of a file that is not
    served, or a cycle of imports (a hash would depend on itself)."""


@dataclass(frozen=True)
class StaticFile:
    name: str  # as listed: "app.js"
    text: str  # as served, imports naming hashed files
    imports: tuple[str, ...]  # the listed names it imports, in order

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:HASH_LENGTH]

    @property
    def hashed_name(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{ext}" if dot else f"{self.name}.{self.digest}"


class StaticFiles:
    """The files of one folder by their listed names, built once each on first use."""

    def __init__(self, read: Callable[[str], str], names: Iterable[str]) -> None:
        self._read = read
        self._names = frozenset(names)
        self._built: dict[str, StaticFile] = {}

    def file(self, name: str) -> StaticFile:
        return self._build(name, ())

    def find(self, requested: str) -> tuple[StaticFile, bool] | None:
        """The file a request names and whether it was named by its hash (cacheable for
        good); None for a file not listed or a hash that is not the current one."""
        if requested in self._names:
            return self.file(requested), False
        match = HASHED_NAME.match(requested)
        if not match:
            return None
        name = f"{match['stem']}.{match['ext']}"
        if name not in self._names:
            return None
        found = self.file(name)
        return (found, True) if found.digest == match["digest"] else None

    def module_graph(self, entry: str) -> list[str]:
        """Every module ``entry`` imports, directly or not, each once, dependencies first:
        what a page preloads so that a slow connection pays no round trip per level."""
        ordered: list[str] = []

        def visit(name: str) -> None:
            for imported in self.file(name).imports:
                if imported not in ordered:
                    visit(imported)
                    ordered.append(imported)

        visit(entry)
        return ordered

    def _build(self, name: str, importing: tuple[str, ...]) -> StaticFile:
        if name in self._built:
            return self._built[name]
        if name in importing:
            raise StaticGraphError("import cycle: " + " -> ".join((*importing, name)))
        if name not in self._names:
            raise StaticGraphError(
                f"{importing[-1] if importing else '?'} imports {name}, "
                "which is not served (static_files.TYPES)"
            )
        source = self._read(name)
        imports: list[str] = []

        def hashed(match: re.Match[str]) -> str:
            imported = self._build(match[3], (*importing, name))
            imports.append(match[3])
            return f"{match[1]}{match[2]}./{imported.hashed_name}{match[2]}"

        text = SPECIFIER.sub(hashed, source) if name.endswith(".js") else source
        built = StaticFile(name, text, tuple(dict.fromkeys(imports)))
        self._built[name] = built
        return built
