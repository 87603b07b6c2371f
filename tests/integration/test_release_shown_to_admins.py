"""Supervisors and admins can read which release runs on their Settings page (so a support
call can name it); case managers are not shown it. What the zip's VERSION file says is
escaped like everything else on a page."""

from __future__ import annotations

import pytest

from chalicelib import version
from chalicelib.domain.users import Role
from tests.helpers import page_text
from tests.integration.session_tools import PASSWORD, new_staff


@pytest.fixture()
def version_file(tmp_path, monkeypatch):
    """Stand in for the VERSION file the build writes at the zip's root."""
    path = tmp_path / "VERSION"
    monkeypatch.setattr(version, "VERSION_FILE", path)
    return path


def test_a_supervisor_sees_the_release_on_the_settings_page(web):
    page = web.sign_in("dana").get("/settings")
    assert page.status_code == 200
    assert f"ClientComm {version.__version__}" in page_text(page)


def test_an_admin_sees_the_release_and_the_commit_a_packaged_build_came_from(
    web, stack, stores, version_file
):
    version_file.write_text(version.Release("0.17.0", "1a2b3c4d5e6f").version_file())
    admin = new_staff(stack, stores, Role.ADMIN)
    text = page_text(web.sign_in(admin.user_id, PASSWORD).get("/settings"))
    assert "ClientComm 0.17.0, built from commit 1a2b3c4d5e6f" in text
    assert "uncommitted" not in text


def test_a_build_from_a_modified_checkout_says_so(web, version_file):
    version_file.write_text(version.Release("0.17.0", "1a2b3c4d5e6f", True).version_file())
    text = page_text(web.sign_in("priya").get("/settings"))
    assert "built from commit 1a2b3c4d5e6f with uncommitted changes" in text


def test_a_case_manager_is_not_shown_the_release(web):
    text = page_text(web.sign_in("kristina").get("/settings"))
    assert f"ClientComm {version.__version__}" not in text
    assert "built from commit" not in text


def test_whatever_the_version_file_says_is_escaped(web, version_file):
    version_file.write_text('<img src=x onerror="alert(1)">\ncommit <b>bold</b>\n')
    body = web.sign_in("dana").get("/settings").body.decode()
    assert "<img src=x" not in body and "<b>bold</b>" not in body
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
