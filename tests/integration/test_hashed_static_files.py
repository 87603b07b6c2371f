"""Pages name static files by content hash, cached for a year; the plain names still work
for a page an older deploy rendered; every module the page reaches is preloaded."""

from __future__ import annotations

import re

from tests.helpers import ROOT

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED = re.compile(r"/static/[\w-]+\.[0-9a-f]{10}\.\w+")


def test_the_head_names_hashed_files_cached_for_good(web):
    page = web.get("/signin").body.decode()
    script = re.search(r'<script type="module" src="(/static/app\.[0-9a-f]+\.js)">', page)
    sheet = re.search(r'<link rel="stylesheet" href="(/static/app\.[0-9a-f]+\.css)">', page)
    assert script and sheet
    for path in (script[1], sheet[1]):
        answer = web.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == IMMUTABLE
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    css = (ROOT / "templates" / "static" / "app.css").read_text(encoding="utf-8")
    assert web.get(sheet[1]).body.decode() == css


def test_every_module_import_names_a_hashed_file_that_is_served(web):
    page = web.get("/signin").body.decode()
    entry = re.search(r'src="(/static/app\.[0-9a-f]+\.js)"', page)
    assert entry
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', page)
    reached: list[str] = []
    waiting = [entry[1]]
    while waiting:
        path = waiting.pop()
        if path in reached:
            continue
        reached.append(path)
        answer = web.get(path)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == IMMUTABLE
        assert answer.headers["Content-Type"].startswith("text/javascript"), path
        imports = re.findall(r'from "\./([^"]+)"', answer.body.decode())
        assert all(HASHED.fullmatch(f"/static/{name}") for name in imports), (path, imports)
        waiting += [f"/static/{name}" for name in imports]
    assert len(reached) > 5
    assert sorted(preloaded) == sorted(reached[1:])  # the whole graph, once, without app.js


def test_an_unknown_hash_is_not_found_and_a_plain_name_is_briefly_cached(web):
    page = web.get("/signin").body.decode()
    current = re.search(r'src="/static/(app\.([0-9a-f]+)\.js)"', page)
    assert current
    stale = current[1].replace(current[2], "0" * len(current[2]))
    assert web.get(f"/static/{stale}").status_code == 404
    assert web.get("/static/app.abc.js").status_code == 404
    plain = web.get("/static/app.js")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "public, max-age=300"
    assert plain.body == web.get(f"/static/{current[1]}").body  # the same modules either way
