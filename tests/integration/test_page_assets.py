"""Every asset a page asks for resolves: stylesheets, scripts and the favicon.

A page without its own icon link makes the browser ask for /favicon.ico, which no route
serves (API Gateway answers 403): the print view did exactly that.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.helpers import fresh_phone


class AssetLinks(HTMLParser):
    """The URLs of <link href> and <script src>, and whether an icon is declared."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.has_icon = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("href"):
            self.urls.append(str(found["href"]))
            self.has_icon |= "icon" in (found.get("rel") or "").split()
        if tag == "script" and found.get("src"):
            self.urls.append(str(found["src"]))


def assets_of(body: str) -> AssetLinks:
    parser = AssetLinks()
    parser.feed(body)
    return parser


def new_client(web) -> str:
    web.get("/clients/new")
    made = web.post(
        "/clients", {"first_name": "Asset", "last_name": "Walk", "phone": fresh_phone()}
    )
    assert made.status_code == 303, made.body[:300]
    return made.headers["Location"].split("/")[2].split("?")[0]


@pytest.fixture(scope="module")
def client_id(http):
    from tests.helpers import WebVisitor

    return new_client(WebVisitor(http).sign_in("kristina"))


@pytest.mark.parametrize("username", ["kristina", "dana"])
def test_every_asset_on_every_page_resolves(web, username, client_id):
    web.sign_in(username)
    pages = [
        "/signin",
        "/caseload",
        "/clients/new",
        f"/clients/{client_id}",
        f"/clients/{client_id}/edit",
        f"/clients/{client_id}/print",
        "/unclaimed",
        "/settings",
        "/clients/no-such-client",  # the problem page
    ]
    if username == "dana":
        pages += ["/scheduled", "/imports", "/reminder-texts"]
    checked: set[str] = set()
    for path in pages:
        page = web.get(path)
        assert page.headers["Content-Type"].startswith("text/html"), path
        assets = assets_of(page.body.decode())
        assert assets.has_icon, f"{path} declares no icon, so the browser asks for /favicon.ico"
        assert assets.urls, path
        for url in assets.urls:
            assert url.startswith("/"), (path, url)
            if url not in checked:
                assert web.get(url).status_code == 200, (path, url)
                checked.add(url)
    assert any(re.fullmatch(r"/static/favicon\.[0-9a-f]+\.svg", url) for url in checked)
