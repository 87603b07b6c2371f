"""The page script is plain ES modules (no build step): every module app.js reaches is
served as JavaScript, and every script in templates/static is reachable or served alone."""

from __future__ import annotations

import re

from tests.helpers import ROOT

STATIC = ROOT / "templates" / "static"
IMPORT = re.compile(r'^import [^;]+ from "\./([a-z_-]+\.js)";', re.MULTILINE)


def reached_from(entry: str) -> set[str]:
    seen: set[str] = set()
    waiting = [entry]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        waiting += IMPORT.findall((STATIC / name).read_text(encoding="utf-8"))
    return seen


def test_every_module_the_page_script_imports_is_served_as_javascript(web):
    modules = reached_from("app.js")
    assert len(modules) > 1
    for name in sorted(modules):
        answer = web.get(f"/static/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["Content-Type"].startswith("text/javascript"), name


def test_no_script_in_the_static_folder_is_left_unserved(web):
    for path in sorted(STATIC.glob("*.js")):
        assert web.get(f"/static/{path.name}").status_code == 200, path.name


def test_pages_load_the_script_as_a_module(web):
    page = web.get("/signin").body.decode()
    assert re.search(r'<script type="module" src="/static/app\.[0-9a-f]+\.js"></script>', page)
