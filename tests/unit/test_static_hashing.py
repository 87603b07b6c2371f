"""Content-hashed static names: a module's name changes with its own text and with the
text of anything it imports, so a page never mixes files of two deploys."""

from __future__ import annotations

import re

import pytest

from chalicelib.web.static_hashing import StaticFiles, StaticGraphError

FOLDER = {
    "app.js": 'import { a } from "./a.js";\nimport {\n  b,\n} from "./b.js";\na(b);\n',
    "a.js": 'import { b } from "./b.js";\nexport function a() { return b; }\n',
    "b.js": "export const b = 1;\n",
    "lazy.js": 'import("./b.js").then(() => {});\nimport "./a.js";\n',
    "app.css": "body { color: black; }\n",
}


def folder(**changed: str) -> StaticFiles:
    files = {**FOLDER, **changed}
    return StaticFiles(files.__getitem__, files)


def test_a_module_imports_its_neighbours_by_their_hashed_names():
    files = folder()
    b = files.file("b.js").hashed_name
    assert b.startswith("b.") and b.endswith(".js") and b != "b.js"
    app = files.file("app.js").text
    assert f'from "./{files.file("a.js").hashed_name}"' in app
    assert f'from "./{b}"' in app  # an import written over several lines too
    assert '"./a.js"' not in app and '"./b.js"' not in app
    lazy = files.file("lazy.js").text
    assert f'import("./{b}")' in lazy and f'import "./{files.file("a.js").hashed_name}"' in lazy


def test_a_change_deep_in_the_graph_renames_every_module_above_it():
    before, after = folder(), folder(**{"b.js": "export const b = 2;\n"})
    for name in ("b.js", "a.js", "app.js"):
        assert before.file(name).hashed_name != after.file(name).hashed_name, name
    assert before.file("app.css").hashed_name == after.file("app.css").hashed_name


def test_the_plain_name_and_the_current_hash_are_found_and_nothing_else():
    files = folder()
    current = files.file("app.js")
    assert files.find("app.js") == (current, False)
    assert files.find(current.hashed_name) == (current, True)
    stale = folder(**{"b.js": "export const b = 2;\n"}).file("app.js").hashed_name
    for unknown in (stale, "app.0123456789.js", "nothing.js", "app.js.map", "../app.js"):
        assert files.find(unknown) is None, unknown
    css = files.file("app.css")
    assert files.find(css.hashed_name) == (css, True) and css.text == FOLDER["app.css"]


def test_the_module_graph_lists_every_import_once_dependencies_first():
    assert folder().module_graph("app.js") == ["b.js", "a.js"]
    assert folder().module_graph("b.js") == []


def test_modules_importing_each_other_share_one_hash_of_them_all():
    cycle = {"b.js": 'import { a } from "./a.js";\nexport const b = 1;\n'}
    files = folder(**cycle)
    a, b = files.file("a.js"), files.file("b.js")
    assert a.digest == b.digest
    assert f'from "./{b.hashed_name}"' in a.text and f'from "./{a.hashed_name}"' in b.text
    assert f'from "./{a.hashed_name}"' in files.file("app.js").text
    assert files.find(a.hashed_name) == (a, True)
    assert files.module_graph("app.js") == ["b.js", "a.js"]
    changed = folder(**{"b.js": cycle["b.js"].replace("= 1", "= 2")})
    for name in ("a.js", "b.js", "app.js"):
        assert changed.file(name).digest != files.file(name).digest, name


def test_an_import_of_a_file_not_served_is_named():
    with pytest.raises(StaticGraphError, match=re.escape("b.js imports c.js")):
        folder(**{"b.js": 'import "./c.js";\n'}).file("b.js")


def test_the_served_folder_builds_without_cycles_or_unlisted_imports():
    from chalicelib.web.static_files import MODULES, TYPES, static_files

    files = static_files()
    for name in TYPES:
        assert files.find(files.file(name).hashed_name), name
    assert set(files.module_graph("app.js")) <= set(MODULES)
