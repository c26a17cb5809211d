"""Names the hosting constructs derive at synth time, construct ids, and references to an endpoint.

The name rules themselves (physical name, limits) are CDK-free: :mod:`cdk_secure_ml.core.hosting.naming`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jsii
from aws_cdk import CfnResource, IResolveContext, IStringProducer, TagManager
from aws_cdk import aws_sagemaker as sagemaker
from constructs import IConstruct

from cdk_secure_ml.core.hosting.naming import content_hash


def camel(name: str) -> str:
    """``"all-traffic"`` -> ``"AllTraffic"``, ``"AllTraffic"`` stays: the variant part of construct ids
    (``<Variant>ScalableTarget``, ``<Variant><Kind>Alarm``, ``Model<Variant>``). Unlike
    ``constructs.naming.pascal_case`` it keeps the case inside a word; construct ids are public API, so this
    rule never changes."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


@jsii.implements(IStringProducer)
class _HashedName:
    """``<prefix>-<hash>`` of a resource's resolved properties and tags, computed at synth time (after
    tags are applied), so any change to the immutable resource gives it a new name."""

    def __init__(self, prefix: str, props: Mapping[str, Any], resource: CfnResource) -> None:
        self._prefix, self._props, self._resource = prefix, props, resource

    def produce(self, context: IResolveContext) -> str:
        manager = TagManager.of(self._resource)
        tags = manager.render_tags() if manager is not None else None
        return f"{self._prefix}-{content_hash(context.resolve({'properties': self._props, 'tags': tags}))}"


def cfn_endpoint_of(endpoint: IConstruct) -> sagemaker.CfnEndpoint | None:
    """The ``AWS::SageMaker::Endpoint`` behind ``endpoint`` when it is in this app (its default child)."""
    child = endpoint.node.default_child
    return child if isinstance(child, sagemaker.CfnEndpoint) else None


def deployed_endpoint_name(endpoint: sagemaker.IEndpoint) -> str:
    """The endpoint's name as a reference to its resource (``Fn::GetAtt EndpointName``) when it is in this
    app, so whatever names it is created after the endpoint and follows a replacement; else its name."""
    cfn = cfn_endpoint_of(endpoint)
    return cfn.attr_endpoint_name if cfn is not None else endpoint.endpoint_name


def endpoint_dependency(endpoint: IConstruct) -> IConstruct:
    """What a resource that needs the running endpoint depends on: its ``AWS::SageMaker::Endpoint`` (not every
    resource of a construct that also holds alarms and roles), or the endpoint construct itself."""
    return cfn_endpoint_of(endpoint) or endpoint
