"""Content-hashed names for the static files: ``app.js`` is also served as
``app.<hash>.js``, where the hash is of the text served under that name, so a browser may
keep it for a year and a new deploy is a new name.

The scripts are ES modules that import each other by relative name (``"./drafts.js"``).
A module's served text names the *hashed* names of what it imports, so a change deep in
the graph changes the name of every module above it, up to ``app.js`` in the page; the
hash of a module is therefore taken after its imports are rewritten, building the
imported modules first. No import map: the pages' CSP forbids inline scripts.

Modules that import each other in a cycle (ES modules allow it) cannot each hash the
other's final name; they share one hash, of all their texts together, so a change in any
of them still renames them all and everything above them.

Pure: reads files through the function it is given (static_files.py hands it the
templates/static folder).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

HASH_LENGTH = 10  # hex digits of SHA-256: 40 bits, plenty for one folder's versions
# A relative import of a sibling module: `from "./x.js"`, `import "./x.js"`, `import("./x.js")`
SPECIFIER = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])\./([\w-]+\.js)\2""")
HASHED_NAME = re.compile(
    rf"^(?P<stem>[\w-]+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})\.(?P<ext>\w+)$"
)


class StaticGraphError(ValueError):
    """A module imports a file that is not served: every page would load a broken script."""


@dataclass(frozen=True)
class StaticFile:
    name: str  # as listed: "app.js"
    text: str  # as served, imports naming hashed files
    imports: tuple[str, ...]  # the listed names it imports, in order
    digest: str

    @property
    def hashed_name(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{ext}" if dot else f"{self.name}.{self.digest}"


def digest_of(*texts: str) -> str:
    sha = hashlib.sha256()
    for text in texts:
        sha.update(text.encode("utf-8") + b"\0")
    return sha.hexdigest()[:HASH_LENGTH]


class StaticFiles:
    """The files of one folder by their listed names, all built on first use."""

    def __init__(self, read: Callable[[str], str], names: Iterable[str]) -> None:
        self._read = read
        self._names = tuple(sorted(names))
        self._built: dict[str, StaticFile] = {}

    def file(self, name: str) -> StaticFile:
        if not self._built:
            self._build_all()
        return self._built[name]

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
        seen = {entry}

        def visit(name: str) -> None:
            for imported in self.file(name).imports:
                if imported not in seen:
                    seen.add(imported)
                    visit(imported)
                    ordered.append(imported)

        visit(entry)
        return ordered

    def _build_all(self) -> None:
        sources = {name: self._read(name) for name in self._names}
        graph = {name: self._imports_in(name, sources[name]) for name in self._names}
        for group in strongly_connected(graph):  # each after every group it imports
            inside = set(group)
            # the group's members as they read with only outside imports hashed
            partial = {
                name: self._rewrite(sources[name], inside, "")
                if name.endswith(".js")
                else sources[name]
                for name in group
            }
            shared = digest_of(*(f"{name}\0{partial[name]}" for name in sorted(group)))
            for name in group:
                cyclic = len(group) > 1 or name in graph[name]
                text = self._rewrite(sources[name], inside, shared) if cyclic else partial[name]
                digest = shared if cyclic else digest_of(text)
                self._built[name] = StaticFile(name, text, graph[name], digest)

    def _imports_in(self, name: str, source: str) -> tuple[str, ...]:
        if not name.endswith(".js"):
            return ()
        found = tuple(dict.fromkeys(match[3] for match in SPECIFIER.finditer(source)))
        for imported in found:
            if imported not in self._names:
                raise StaticGraphError(
                    f"{name} imports {imported}, which is not served (static_files.TYPES)"
                )
        return found

    def _rewrite(self, source: str, group: set[str], shared: str) -> str:
        """``source`` with each import naming its hashed file: built files by their own
        hash, members of ``group`` by the group's ``shared`` one (left as they are while
        it is being worked out, ``shared`` empty)."""

        def hashed(match: re.Match[str]) -> str:
            name = match[3]
            if name in group:
                if not shared:
                    return match[0]
                stem = name.rpartition(".")[0]
                target = f"{stem}.{shared}.js"
            else:
                target = self._built[name].hashed_name
            return f"{match[1]}{match[2]}./{target}{match[2]}"

        return SPECIFIER.sub(hashed, source)


def strongly_connected(graph: dict[str, tuple[str, ...]]) -> Iterator[list[str]]:
    """The graph's strongly connected groups, each yielded after every group it reaches
    (Tarjan's algorithm): single files without a cycle are groups of one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    yield from found
