"""Every function that checks a Twilio signature or calls Twilio is told where the previous
auth token is kept during a rotation, and may read it with the current one in one call.
(Checked on the merge template and the policies, without running ``chalice package``.)"""

from __future__ import annotations

import pytest

from infra.config_loader import load_stack_config
from infra.package.functions import Handler
from infra.package.merge import environment
from infra.package.permissions import (
    API_HANDLER,
    REPLAY_FALLBACK_HANDLER,
    REPLAY_STATUSES,
    SEND_SCHEDULED,
    SETTLE_SENDS,
)
from infra.package.policy import function_policy, parameters_arn
from tests.infra.packaging import EXAMPLES

TWILIO_FUNCTIONS = (
    API_HANDLER,
    REPLAY_FALLBACK_HANDLER,
    REPLAY_STATUSES,
    SEND_SCHEDULED,
    SETTLE_SENDS,
)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_is_told_the_previous_token_parameter_under_the_stacks_path(name):
    config = load_stack_config(name)
    for function in ("APIHandler", "ReplayFallback"):
        env = environment(config, Handler(function, "app.app", ()))
        previous = env["TWILIO_PREVIOUS_AUTH_TOKEN_PARAMETER"]
        assert previous == f"/clientcomm/{name}/twilio/previous_auth_token"
        assert previous.startswith(config.parameter_path + "/")
        assert previous not in config.secret_parameters.values()  # not needed to deploy


@pytest.mark.parametrize("function", TWILIO_FUNCTIONS)
def test_functions_that_use_twilio_may_read_both_tokens_in_one_call(function):
    config = load_stack_config(EXAMPLES[0])
    policy = function_policy(config, function, ["UsersTable"])
    secrets = [s for s in policy["Statement"] if s["Sid"] == "Secrets"]
    assert len(secrets) == 1
    assert "ssm:GetParameters" in secrets[0]["Action"]
    assert secrets[0]["Resource"] == parameters_arn(config)
