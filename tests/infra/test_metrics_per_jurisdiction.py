"""Each stack's metrics are its own: in an account shared by two jurisdictions, no alarm of
one counts the other's texts, failures or throttles.

The app writes its metrics (Powertools, EMF) under the namespace ``ClientComm/<jurisdiction>``
that the template gives each function; the alarms read that namespace, or AWS's metrics with
dimensions naming the stack's own resources (its functions, queues, tables, API).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest

from infra.config_loader import load_stack_config
from infra.definitions import metrics_namespace
from infra.package.checks import references
from infra.package.merge import merge_template
from tests.infra.packaging import EXAMPLES, FUNCTION, of_type

ALARM = "AWS::CloudWatch::Alarm"


def metrics_of(alarm: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every metric an alarm reads: its own, or each of its metric math's."""
    properties = alarm["Properties"]
    if "MetricName" in properties:
        yield {k: properties.get(k, []) for k in ("Namespace", "MetricName", "Dimensions")}
    for query in properties.get("Metrics", []):
        if "MetricStat" in query:
            yield {"Dimensions": [], **query["MetricStat"]["Metric"]}


def account_wide(metric: dict[str, Any]) -> str | None:
    """The metric as it is named in the account, or None when a dimension names one of the
    stack's own resources (a reference: each stack's resolves to its own)."""
    if any(not isinstance(d["Value"], str) for d in metric["Dimensions"]):
        return None
    return json.dumps(metric, sort_keys=True)


def alarms_in(resources: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v.get("Type") == ALARM}


def test_each_jurisdiction_has_its_own_namespace():
    assert metrics_namespace("salt-lake-county") == "ClientComm/salt-lake-county"
    assert metrics_namespace("multnomah-county") != metrics_namespace("salt-lake-county")


def test_two_jurisdictions_merge_templates_read_no_metric_in_common():
    """Quick form of the packaged check below, on what the build merges into Chalice's."""
    found = {}
    for name in EXAMPLES:
        resources = merge_template(load_stack_config(name), [])["Resources"]
        found[name] = {
            account_wide(m) for a in alarms_in(resources).values() for m in metrics_of(a)
        } - {None}
    for first, second in combinations(found.values(), 2):
        assert first and second
        assert not first & second


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_function_writes_metrics_under_its_jurisdictions_namespace(templates, name):
    for function in of_type(templates[name], FUNCTION).values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == f"ClientComm/{name}"


def test_no_alarm_of_one_packaged_jurisdiction_reads_the_others_metrics(templates):
    assert len(EXAMPLES) >= 2
    seen: dict[str, set[str]] = {}
    for name in EXAMPLES:
        template, others = templates[name], [n for n in EXAMPLES if n != name]
        resources = template["Resources"]
        seen[name] = set()
        for alarm_id, alarm in of_type(template, ALARM).items():
            for metric in metrics_of(alarm):
                where = f"{name}: {alarm_id} reads {metric}"
                if not metric["Namespace"].startswith("AWS/"):
                    assert metric["Namespace"] == metrics_namespace(name), where
                assert not any(other in json.dumps(metric) for other in others), where
                assert references(metric["Dimensions"]) <= set(resources), where
                seen[name].add(account_wide(metric) or "")
        seen[name].discard("")
    for first, second in combinations(seen.values(), 2):
        assert first and second
        assert not first & second, "two stacks' alarms read these metrics"
