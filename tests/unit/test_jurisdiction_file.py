"""The app reads its jurisdiction from a file, once: the one packaged beside chalicelib/config.py,
or the one JURISDICTION_FILE names. Never from the Lambda environment (4 KB for everything)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib import config
from chalicelib.config import ConfigurationError, get_jurisdiction
from tests.jurisdiction_files import jurisdiction_file

DEMO = json.loads((Path(__file__).parents[2] / "infra/jurisdictions/demo.json").read_text())


@pytest.fixture(autouse=True)
def no_jurisdiction_in_the_environment(monkeypatch):
    monkeypatch.delenv("JURISDICTION_FILE", raising=False)
    monkeypatch.delenv("JURISDICTION_CONFIG", raising=False)


def test_the_file_jurisdiction_file_names_is_the_jurisdiction(monkeypatch, tmp_path):
    path = jurisdiction_file(tmp_path, {**DEMO, "display_name": "Named County"})
    monkeypatch.setenv("JURISDICTION_FILE", str(path))
    assert get_jurisdiction().display_name == "Named County"


def test_without_jurisdiction_file_the_packaged_file_beside_the_config_module_is_read(
    monkeypatch, tmp_path
):
    assert Path(config.__file__).with_name("jurisdiction.json") == config.PACKAGED_JURISDICTION
    packaged = tmp_path / "jurisdiction.json"
    packaged.write_text(json.dumps({**DEMO, "display_name": "Packaged County"}))
    monkeypatch.setattr(config, "PACKAGED_JURISDICTION", packaged)
    assert get_jurisdiction().display_name == "Packaged County"


def test_a_file_is_read_once_per_process(monkeypatch, tmp_path):
    path = jurisdiction_file(tmp_path, {**DEMO, "display_name": "Read Once County"})
    monkeypatch.setenv("JURISDICTION_FILE", str(path))
    first = get_jurisdiction()
    path.unlink()
    assert get_jurisdiction() is first


def test_a_missing_file_is_a_configuration_error_naming_the_path(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.json"
    monkeypatch.setenv("JURISDICTION_FILE", str(missing))
    with pytest.raises(ConfigurationError, match=r"nowhere\.json"):
        get_jurisdiction()


def test_an_invalid_file_is_a_configuration_error_naming_the_path_and_the_field(
    monkeypatch, tmp_path
):
    path = jurisdiction_file(tmp_path, {**DEMO, "departments": "probation"})
    monkeypatch.setenv("JURISDICTION_FILE", str(path))
    with pytest.raises(ConfigurationError, match=f"{path.name}.*departments"):
        get_jurisdiction()


def test_a_file_that_is_not_json_is_a_configuration_error(monkeypatch, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{")
    monkeypatch.setenv("JURISDICTION_FILE", str(path))
    with pytest.raises(ConfigurationError, match=r"broken\.json"):
        get_jurisdiction()


def test_the_retired_environment_variable_is_refused_rather_than_silently_ignored(
    monkeypatch, tmp_path
):
    """A test or script still setting JURISDICTION_CONFIG would otherwise run with another
    jurisdiction than it believes: it is told what to set instead."""
    monkeypatch.setenv("JURISDICTION_FILE", str(jurisdiction_file(tmp_path, DEMO)))
    monkeypatch.setenv("JURISDICTION_CONFIG", json.dumps(DEMO))
    with pytest.raises(ConfigurationError, match="JURISDICTION_FILE"):
        get_jurisdiction()
