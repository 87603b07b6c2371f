"""Every metric the stack's alarms and its dashboard read, defined once.

A CloudWatch metric is its namespace, name and dimensions. The app's own (written through
Powertools as EMF, with its ``service`` dimension) and those the access log's metric filters
count are under the jurisdiction's namespace, ``ClientComm/<jurisdiction>``. AWS's metrics
name the stack's own resources: a function, queue or table by a reference (each stack's
resolves to its own), the REST API by the name the template gives it, AWS Backup's jobs by
the stack's vault. So an alarm or a widget of one stack never reads another's, even in a
shared account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.definitions import METRICS_SERVICE, metrics_namespace

from . import names


@dataclass(frozen=True)
class Reference:
    """A value only known once the stack exists: ``Ref`` (no attribute) or ``Fn::GetAtt``."""

    logical_id: str
    attribute: str | None = None

    def cloudformation(self) -> dict[str, Any]:
        if self.attribute is None:
            return names.ref(self.logical_id)
        return {"Fn::GetAtt": [self.logical_id, self.attribute]}

    def sub(self) -> str:
        """The same reference inside a ``Fn::Sub`` text."""
        suffix = f".{self.attribute}" if self.attribute else ""
        return f"${{{self.logical_id}{suffix}}}"


Value = str | Reference


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: tuple[tuple[str, Value], ...] = ()

    def cloudformation(self) -> dict[str, Any]:
        """``Namespace``, ``MetricName`` and ``Dimensions`` as an alarm (or a metric math
        query's ``MetricStat.Metric``) names the metric."""
        found: dict[str, Any] = {"Namespace": self.namespace, "MetricName": self.name}
        if self.dimensions:
            found["Dimensions"] = [
                {"Name": key, "Value": value_of(value)} for key, value in self.dimensions
            ]
        return found

    def widget(self) -> list[str]:
        """The metric as a dashboard widget lists it, for a ``Fn::Sub`` body:
        ``[namespace, name, dimension, value, ...]``."""
        found = [sub_text(self.namespace), sub_text(self.name)]
        for key, value in self.dimensions:
            found += [
                sub_text(key),
                value.sub() if isinstance(value, Reference) else sub_text(value),
            ]
        return found


def value_of(value: Value) -> Any:
    return value.cloudformation() if isinstance(value, Reference) else value


def sub_text(text: str) -> str:
    """A literal inside a ``Fn::Sub`` text (``${`` would start a reference)."""
    return text.replace("${", "${!")


def app(jurisdiction: str, name: str) -> Metric:
    """A metric the app counts (``chalicelib/observability.count``)."""
    return Metric(metrics_namespace(jurisdiction), name, (("service", METRICS_SERVICE),))


def access_log(jurisdiction: str, name: str) -> Metric:
    """A metric the access log's metric filters count (no dimensions)."""
    return Metric(metrics_namespace(jurisdiction), name)


def api(jurisdiction: str, name: str) -> Metric:
    """API Gateway's metric of the stack's REST API and stage (its metrics name the API)."""
    dimensions = (("ApiName", names.api_name(jurisdiction)), ("Stage", names.API_STAGE))
    return Metric("AWS/ApiGateway", name, dimensions)


def function(logical_id: str, name: str) -> Metric:
    return Metric("AWS/Lambda", name, (("FunctionName", Reference(logical_id)),))


def queue(logical_id: str, name: str) -> Metric:
    return Metric("AWS/SQS", name, (("QueueName", Reference(logical_id, "QueueName")),))


def table(logical_id: str, name: str) -> Metric:
    return Metric("AWS/DynamoDB", name, (("TableName", Reference(logical_id)),))


def backup(vault_id: str, name: str) -> Metric:
    """AWS Backup's count of the stack's vault (its name is the vault's ``Ref``)."""
    return Metric("AWS/Backup", name, (("BackupVaultName", Reference(vault_id)),))
