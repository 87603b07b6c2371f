"""cfn-lint takes ~4 s a template; `make deploy` packages and lints again what `make package`
(or the tests) just linted. A template cfn-lint found clean is remembered by its content, the
region and cfn-lint's version; anything else is linted every time."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra.package import lint

QUEUE_ONLY = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
}


def never_run(*args, **kwargs):
    raise AssertionError("cfn-lint ran again")


@pytest.fixture()
def runs(monkeypatch):
    """cfn-lint stands in: answers each call with the next return code, counting calls."""
    calls: list[list[str]] = []
    codes: list[int] = []

    def fake(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, codes.pop(0), "findings\n", "")

    monkeypatch.setattr(lint.subprocess, "run", fake)
    return calls, codes


def test_an_identical_template_found_clean_is_not_linted_again(tmp_path, monkeypatch):
    template = tmp_path / "template.json"
    template.write_text(json.dumps(QUEUE_ONLY))
    first = lint.cfn_lint(template, "us-west-2", cache_dir=tmp_path / "cache")
    assert first.returncode == 0, first.stdout + first.stderr

    monkeypatch.setattr(lint.subprocess, "run", never_run)
    again = tmp_path / "again" / "template.json"
    again.parent.mkdir()
    again.write_text(template.read_text())
    second = lint.cfn_lint(again, "us-west-2", cache_dir=tmp_path / "cache")
    assert second.returncode == 0
    assert "found this same template clean" in second.stdout


def test_a_changed_template_or_another_region_is_linted(tmp_path, runs):
    calls, codes = runs
    cache = tmp_path / "cache"
    template = tmp_path / "template.json"
    template.write_text(json.dumps(QUEUE_ONLY))
    codes.extend([0, 0, 0])
    lint.cfn_lint(template, "us-west-2", cache_dir=cache)
    lint.cfn_lint(template, "us-east-1", cache_dir=cache)
    template.write_text(json.dumps({**QUEUE_ONLY, "Description": "changed"}))
    lint.cfn_lint(template, "us-west-2", cache_dir=cache)
    assert len(calls) == 3


def test_a_template_with_findings_is_linted_every_time(tmp_path, runs):
    calls, codes = runs
    template = tmp_path / "template.json"
    template.write_text(json.dumps(QUEUE_ONLY))
    codes.extend([4, 4])
    for _ in range(2):
        found = lint.cfn_lint(template, "us-west-2", cache_dir=tmp_path / "cache")
        assert found.returncode == 4 and found.stdout == "findings\n"
    assert len(calls) == 2
