"""What holds people's texts or the record of what happened outlives the stack.

The queues hold client texts not yet stored (inbound texts kept by the fallback URL, status
callbacks Twilio never sends again, scheduled texts on their way out) and the dead letters
the app gave up on; the log groups hold what happened. Deleting the stack, or a change that
replaces one of them, must leave them (and what is in them) for a person to look at.
"""

from __future__ import annotations

import pytest

from infra.config_loader import load_stack_config
from infra.package.changes import Change, refusal
from infra.package.merge import merge_template
from tests.infra.packaging import EXAMPLES, of_type

KEPT_TYPES = ("AWS::SQS::Queue", "AWS::Logs::LogGroup")
RETAINED = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def policies(resource: dict) -> dict:
    return {k: resource.get(k) for k in RETAINED}


@pytest.mark.parametrize("kind", KEPT_TYPES)
def test_the_merge_template_keeps_every_queue_and_log_group_it_makes(kind):
    resources = merge_template(load_stack_config("multnomah-county"), [])["Resources"]
    found = {k: v for k, v in resources.items() if v.get("Type") == kind}
    assert found
    assert {k: policies(v) for k, v in found.items()} == {k: RETAINED for k in found}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_queue_and_log_group_of_the_packaged_stack_is_kept(templates, name):
    for kind in KEPT_TYPES:
        found = of_type(templates[name], kind)
        assert found, kind
        assert {k: policies(v) for k, v in found.items()} == {k: RETAINED for k in found}


def test_the_deploy_still_refuses_to_replace_a_queue_even_though_the_old_one_is_kept():
    """A replaced queue would be kept with its texts, but the app would read the new one:
    those texts would wait there unseen until they expire."""
    why = refusal([Change("Modify", "SendQueue", "AWS::SQS::Queue", "True")])
    assert why is not None and "SendQueue" in why


def test_a_replaced_log_group_loses_nothing_so_the_deploy_does_not_refuse_it():
    assert refusal([Change("Modify", "ApiAccessLogs", "AWS::Logs::LogGroup", "True")]) is None
