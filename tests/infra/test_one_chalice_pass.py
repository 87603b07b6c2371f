"""The build runs ``chalice package`` once and merges our part into Chalice's template itself:
the result must be what ``--merge-template`` (Chalice's TemplateDeepMerger) would make."""

from __future__ import annotations

import copy

from chalice.package import TemplateDeepMerger

from infra.package.build import MERGE_TEMPLATE
from infra.package.merge import merged
from tests.infra.packaging import load

CHALICE = {
    "Resources": {
        "APIHandler": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "app.app",
                "Environment": {"Variables": {"STAGE": "x"}},
                "Events": {"Q": {"Type": "SQS", "Properties": {"Queue": "arn:guess"}}},
                "Layers": ["a", "b"],
                "Timeout": 30,
            },
        },
        "RestAPI": {"Properties": {"DefinitionBody": {"paths": {"/": {}}}}},
    },
    "Outputs": {"EndpointURL": {"Value": "chalice's"}},
}
OURS = {
    "Description": "ours",
    "Resources": {
        "APIHandler": {
            "Properties": {
                "Environment": {"Variables": {"TABLE_PREFIX": "p-"}},
                "Events": {"Q": {"Properties": {"Queue": {"Fn::GetAtt": ["SendQueue", "Arn"]}}}},
                "Layers": ["c"],
                "Timeout": None,
            }
        },
        "RestAPI": {"Properties": {"DefinitionBody": "replaced by a string"}},
        "Table": {"Type": "AWS::DynamoDB::Table"},
    },
    "Outputs": {"EndpointURL": {"Value": {"Ref": "Ours"}}, "Version": {"Value": "1"}},
}


def test_the_merge_is_chalices_deep_merge():
    chalice = copy.deepcopy(CHALICE)
    expected = TemplateDeepMerger().merge(copy.deepcopy(OURS), copy.deepcopy(CHALICE))
    assert merged(chalice, OURS) == expected
    assert chalice == CHALICE, "Chalice's template is left as it was"


def test_each_packaged_template_already_holds_what_chalice_would_merge_into_it(packaged):
    for package in [*packaged.examples.values(), packaged.with_schedule, packaged.large]:
        final = load(package.template)
        ours = load(package.template.parent / MERGE_TEMPLATE)
        assert TemplateDeepMerger().merge(ours, copy.deepcopy(final)) == final
