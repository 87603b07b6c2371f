"""cfn-lint passes on every example's final template, and on one with a scheduled handler."""

from __future__ import annotations

import pytest

from infra.config_loader import load_stack_config
from infra.package.lint import cfn_lint
from tests.infra.packaging import EXAMPLES, SCHEDULE_JURISDICTION


@pytest.mark.parametrize("name", EXAMPLES)
def test_cfn_lint_finds_nothing_in_each_example_template(packaged, name):
    region = load_stack_config(name).aws_region
    done = cfn_lint(packaged.examples[name].template, region)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cfn_lint_finds_nothing_when_the_app_declares_a_scheduled_handler(packaged):
    region = load_stack_config(SCHEDULE_JURISDICTION).aws_region
    done = cfn_lint(packaged.with_schedule.template, region)
    assert done.returncode == 0, done.stdout + done.stderr
