"""API Gateway compresses what the app answers (pages, stylesheet, scripts) for a browser
that accepts gzip: every packaged stack sets the REST API's minimum compression size."""

from __future__ import annotations

import pytest

from infra.package.staging import MINIMUM_COMPRESSION_BYTES
from tests.infra.packaging import EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_rest_api_compresses_answers_of_a_kilobyte_or_more(templates, name):
    api = templates[name]["Resources"]["RestAPI"]
    assert api["Type"] == "AWS::Serverless::Api"
    assert api["Properties"]["MinimumCompressionSize"] == MINIMUM_COMPRESSION_BYTES == 1024
