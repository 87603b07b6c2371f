"""backfill_id_keys reaches the local stack with --endpoint-url, without an AWS profile, as
every ops script does (the rest of its behaviour: test_backfill_id_keys.py)."""

from __future__ import annotations

from tests.infra.ops_runs import environment, one_line_error, run_script
from tests.infra.test_backfill_id_keys import REGION, every_item, old_client, prefix, stored

__all__ = ["prefix"]  # the fixture: a clients table of the test's own


def test_the_endpoint_option_reaches_the_local_stack_without_an_aws_profile(prefix):
    client_id = old_client(prefix, id_number="AB-12")
    moto = environment()["AWS_ENDPOINT_URL"]
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix]
    done = run_script("backfill_id_keys", [*args, "--endpoint-url", moto], environment(aws=False))
    assert done.returncode == 0, done.stderr
    assert stored(prefix, client_id)["id_key"] == "ab-12"
    assert len(every_item(prefix)) == 1


def test_without_credentials_it_stops_in_one_line(prefix):
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix]
    done = run_script("backfill_id_keys", args, environment(aws=False))
    assert done.returncode == 1
    assert "NoCredentialsError" in one_line_error(done, "backfill_id_keys")
