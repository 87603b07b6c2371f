"""Running store_secrets again with the values already stored writes nothing: each
SecureString keeps its version (a new version of an unchanged secret is noise in the
parameter's history, and each write is a KMS encryption)."""

from __future__ import annotations

import secrets

import boto3

from infra.definitions import secret_parameters
from infra.ops import store_secrets

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "5a3e70ce" * 4


def versions(ssm, names: list[str]) -> dict[str, int]:
    found = ssm.get_parameters(Names=names)["Parameters"]
    return {p["Name"]: p["Version"] for p in found}


def test_storing_the_same_secrets_again_writes_nothing(stack):
    ssm = boto3.client("ssm")
    county = f"rerun-{secrets.token_hex(4)}"
    names = list(secret_parameters(county).values())
    first = store_secrets.store_secrets(ssm, county, (SID, TOKEN))
    assert all(line.startswith("set") for line in first)
    before = versions(ssm, names)

    again = store_secrets.store_secrets(ssm, county, (SID, TOKEN))

    assert all(line.startswith("kept") for line in again), again
    assert versions(ssm, names) == before
