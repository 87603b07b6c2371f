"""The jurisdiction's file travels in the zip, not in the Lambda environment (4 KB for every
variable together, and Salt Lake County's file alone was 3 KB): a 64 KB file is packaged, and
the unpacked zip reads it on an interpreter that sees nothing else, with no setting naming it."""

from __future__ import annotations

import json
import stat
import zipfile

from infra.config_loader import file_problems, load_stack_config
from infra.package.checks import ENVIRONMENT_LIMIT, environment_size
from tests.helpers import json_from_python
from tests.infra.packaging import FUNCTION, LARGE_FILE_BYTES, LARGE_JURISDICTION, load, of_type

PACKAGED = "chalicelib/jurisdiction.json"
# Half of what Lambda allows: room for settings still to come, none for a jurisdiction file.
ENVIRONMENT_BOUND = ENVIRONMENT_LIMIT // 2

# -I -S: no site-packages, no current directory, no PYTHON* variables; only the unpacked zip.
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from chalicelib import config
jurisdiction = config.get_jurisdiction()
print(json.dumps({
    "name": jurisdiction.name,
    "departments": len(jurisdiction.departments),
    "read_from": str(config.PACKAGED_JURISDICTION),
    "modules": [sys.modules[m].__file__ for m in sys.modules if m.startswith("chalicelib")],
}))
"""


def test_the_generated_file_is_64_kb_and_fit_to_deploy(packaged):
    source = packaged.large.config.source
    assert source.stat().st_size >= LARGE_FILE_BYTES
    assert file_problems(LARGE_JURISDICTION, load(source)) == {}


def test_the_zip_carries_the_jurisdiction_file_readable_by_lambdas_user(packaged):
    with zipfile.ZipFile(packaged.large.zip) as archive:
        entry = archive.getinfo(PACKAGED)
        shipped = json.loads(archive.read(entry))
    assert shipped == load(packaged.large.config.source)
    mode = entry.external_attr >> 16
    assert stat.S_ISREG(mode) and mode & 0o444 == 0o444, oct(mode)


def test_the_unpacked_zip_alone_reads_the_64_kb_jurisdiction_with_nothing_set(unpacked):
    env = {"PATH": "/usr/bin:/bin"}  # no JURISDICTION_FILE: the packaged file is the default
    found = json_from_python("-I", "-S", "-c", PROBE, str(unpacked), env=env)
    expected = load(unpacked / PACKAGED)
    assert found["name"] == LARGE_JURISDICTION
    assert found["departments"] == len(expected["departments"]) > 400
    assert found["read_from"] == str(unpacked / PACKAGED)
    assert all(path.startswith(str(unpacked)) for path in found["modules"])


def test_each_zip_carries_its_own_jurisdictions_file(packaged):
    for name, package in packaged.examples.items():
        with zipfile.ZipFile(package.zip) as archive:
            shipped = json.loads(archive.read(PACKAGED))
        assert shipped == dict(load_stack_config(name).jurisdiction.raw)


def test_no_function_environment_carries_the_jurisdiction_and_each_stays_small(
    packaged, templates, scheduled_template
):
    every = {**templates, "scheduled": scheduled_template, "large": load(packaged.large.template)}
    sizes = {}
    for name, template in every.items():
        for function, resource in of_type(template, FUNCTION).items():
            variables = resource["Properties"]["Environment"]["Variables"]
            assert not {"JURISDICTION_CONFIG", "JURISDICTION_FILE"} & set(variables), function
            sizes[f"{name} {function}"] = environment_size(variables)
    largest = max(sizes, key=sizes.__getitem__)
    assert sizes[largest] <= ENVIRONMENT_BOUND, f"{largest}: {sizes[largest]} bytes"
