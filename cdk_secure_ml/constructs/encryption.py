"""EncryptionKeys: customer-managed KMS keys, one per data class (or one shared), rotation on."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.core.names import DATA_CLASS_RE, kms_alias_prefix_problem
from cdk_secure_ml.policies.acknowledgements import justify_iam_lint

__all__ = ["EncryptionKeys", "DEFAULT_DATA_CLASSES", "DEFAULT_PENDING_WINDOW_DAYS", "allow_cloudwatch_logs"]

#: The platform's data classes (docs/encryption.md): training data, model artifacts, EBS/EFS
#: volumes, and logs.
DEFAULT_DATA_CLASSES: tuple[str, ...] = ("data", "artifacts", "volumes", "logs")

#: Default waiting period before a scheduled key deletion, in days (the maximum KMS allows:
#: https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html).
DEFAULT_PENDING_WINDOW_DAYS = 30

_DESCRIPTIONS = {
    "data": "ML training and feature data",
    "artifacts": "ML model artifacts and pipeline outputs",
    "volumes": "EBS and EFS volumes of SageMaker apps, jobs and endpoints",
    "logs": "CloudWatch Logs log groups of the ML platform",
}


def allow_cloudwatch_logs(key: kms.IKey) -> bool:
    """Let CloudWatch Logs of this stack's account and region use ``key`` for its log groups only.

    The encryption-context condition keeps other services and other accounts' log groups out.
    Returns False when ``key`` is imported (its policy cannot be changed from here).
    """
    stack = Stack.of(key)
    result = key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchLogsOfThisAccount",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            # No kms:Describe*: DescribeKey carries no encryption context, so the condition would void it.
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                    )
                }
            },
        )
    )
    if result.statement_added and isinstance(key.node.default_child, kms.CfnKey):
        justify_iam_lint(
            key,
            "ArnLike on kms:EncryptionContext:aws:logs:arn: the context CloudWatch Logs passes is a "
            "log-group ARN, and AWS's own managed policy conditions on it with ArnLike (https://docs.aws.amazon.com/"
            "aws-managed-policy/latest/reference/CloudWatchLogsAPIKeyAccess.html). parliament 1.6.4 types "
            "the key as a String.",
            "MISMATCHED_TYPE",
            policy="KeyPolicy/AllowCloudWatchLogsOfThisAccount",
            detail="*ArnLike requires a value of type Arn but given String",
        )
    return result.statement_added


class EncryptionKeys(Construct):
    """Customer-managed KMS keys for the ML platform, one per data class.

    Every key has automatic rotation, an alias ``alias/<alias_prefix>/<data class>``, and
    ``RemovalPolicy.RETAIN`` (deleting a key makes its data unreadable). Key policies follow the
    CDK default: the account root administers the key and IAM policies grant use, so no principal
    outside the account gets access. The ``logs`` key also lets CloudWatch Logs of this account and
    region encrypt log groups, limited by the ``aws:logs:arn`` encryption context.

    :param data_classes: names of the data classes; at least one. Default
        :data:`DEFAULT_DATA_CLASSES`.
    :param shared_key: one key for every data class (fewer keys, coarser access control). Default
        False.
    :param alias_prefix: alias prefix, e.g. the platform name. Default ``secure-ml``.
    :param pending_window: waiting period before a scheduled deletion. Default 30 days (the maximum).
    :param removal_policy: default RETAIN.

    Attributes:

    - ``keys`` (``Mapping[str, kms.Key]``): data class -> key (a copy).
    - ``data`` (``kms.Key``): the key of data class ``data`` (training data); ``key_for('data')``.
    - ``artifacts`` (``kms.Key``): the key of ``artifacts`` (model artifacts, job output).
    - ``volumes`` (``kms.Key``): the key of ``volumes`` (EBS and EFS of Studio, jobs and endpoints).
    - ``logs`` (``kms.Key``): the key of ``logs`` (CloudWatch Logs, CloudTrail, flow logs); its policy lets
      CloudWatch Logs of this account use it.
    - ``data_classes`` (``tuple[str, ...]``): the data classes, in the order given.
    - ``shared_key`` (``bool``): whether one key serves every class.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data_classes: Sequence[str] = DEFAULT_DATA_CLASSES,
        shared_key: bool = False,
        alias_prefix: str = "secure-ml",
        pending_window: Duration | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        classes = list(data_classes)
        problems = []
        if not classes:
            problems.append(
                f"data_classes is empty; name at least one data class, e.g. {list(DEFAULT_DATA_CLASSES)}"
            )
        bad = [c for c in classes if not isinstance(c, str) or not DATA_CLASS_RE.match(c)]
        if bad:
            problems.append(
                f"data classes {bad} must match {DATA_CLASS_RE.pattern} (e.g. 'data', 'model-logs')"
            )
        if len(set(classes)) != len(classes):
            problems.append(f"data_classes {classes} repeat a name; list each once")
        alias_problem = kms_alias_prefix_problem(alias_prefix)
        if alias_problem:
            problems.append(f"alias_prefix {alias_problem}")
        if problems:
            raise ValueError("EncryptionKeys: " + "; ".join(problems))

        self.data_classes = tuple(classes)
        self.shared_key = shared_key
        self._keys: dict[str, kms.Key] = {}

        def new_key(construct_id: str, name: str, description: str) -> kms.Key:
            return kms.Key(
                self,
                construct_id,
                alias=f"alias/{alias_prefix}/{name}",
                description=description,
                enable_key_rotation=True,
                pending_window=pending_window or Duration.days(DEFAULT_PENDING_WINDOW_DAYS),
                removal_policy=removal_policy,
            )

        if shared_key:
            key = new_key("SharedKey", "shared", "ML platform (all data classes: " + ", ".join(classes) + ")")
            self._keys = dict.fromkeys(classes, key)
            allow_cloudwatch_logs(key)
        else:
            for name in classes:
                construct_name = pascal_case(name) + "Key"
                self._keys[name] = new_key(construct_name, name, _DESCRIPTIONS.get(name, f"ML {name}"))
            if "logs" in self._keys:
                allow_cloudwatch_logs(self._keys["logs"])

    # ------------------------------------------------------------------------------------------

    @property
    def keys(self) -> Mapping[str, kms.Key]:
        """Data class → key (every class maps to the same key when ``shared_key``)."""
        return dict(self._keys)

    def key_for(self, data_class: str) -> kms.Key:
        """The key of ``data_class``; ``ValueError`` names the classes there are."""
        try:
            return self._keys[data_class]
        except KeyError:
            raise ValueError(
                f"EncryptionKeys has no data class {data_class!r}; it has {list(self.data_classes)}. "
                "Add it to data_classes."
            ) from None

    @property
    def data(self) -> kms.Key:
        """The key of data class ``data``: training data."""
        return self.key_for("data")

    @property
    def artifacts(self) -> kms.Key:
        """The key of data class ``artifacts``: model artifacts and job output."""
        return self.key_for("artifacts")

    @property
    def volumes(self) -> kms.Key:
        """The key of data class ``volumes``: EBS and EFS volumes of Studio, jobs and endpoints."""
        return self.key_for("volumes")

    @property
    def logs(self) -> kms.Key:
        """The key of data class ``logs``: CloudWatch Logs, CloudTrail and flow logs."""
        return self.key_for("logs")

    def grant_encrypt_decrypt(self, grantee: iam.IGrantable, data_class: str) -> iam.Grant:
        """Let ``grantee`` encrypt and decrypt with the key of ``data_class`` (``Key.grant_encrypt_decrypt``).

        :raises ValueError: ``data_class`` is not one of :attr:`data_classes`.
        """
        grantee, data_class = _grantee_first("grant_encrypt_decrypt", grantee, data_class)
        return self.key_for(data_class).grant_encrypt_decrypt(grantee)

    def grant_decrypt(self, grantee: iam.IGrantable, data_class: str) -> iam.Grant:
        """Let ``grantee`` decrypt (read) data of ``data_class`` (``kms.Key.grant_decrypt``).

        :raises ValueError: ``data_class`` is not one of :attr:`data_classes`.
        """
        grantee, data_class = _grantee_first("grant_decrypt", grantee, data_class)
        return self.key_for(data_class).grant_decrypt(grantee)

    def grant_encrypt(self, grantee: iam.IGrantable, data_class: str) -> iam.Grant:
        """Let ``grantee`` encrypt (write) data of ``data_class`` (``kms.Key.grant_encrypt``).

        :raises ValueError: ``data_class`` is not one of :attr:`data_classes`.
        """
        grantee, data_class = _grantee_first("grant_encrypt", grantee, data_class)
        return self.key_for(data_class).grant_encrypt(grantee)

    def grant_to_service(self, data_class: str, service_principal: str, *actions: str) -> iam.Grant:
        """Let an AWS service of this account use the key of ``data_class`` (a key policy statement).

        The data class comes first here: the grantee is a service principal name
        (``"cloudwatch.amazonaws.com"``), not an ``iam.IGrantable``.

        :param actions: default ``kms:Encrypt``, ``kms:Decrypt`` and ``kms:GenerateDataKey*``.
        :returns: the ``iam.Grant`` of the key-policy statement, which is conditioned on
            ``aws:SourceAccount`` so the service acts only for this account.
        :raises ValueError: ``data_class`` is not one of :attr:`data_classes`.
        """
        key = self.key_for(data_class)
        stack = Stack.of(self)
        principal = iam.ServicePrincipal(service_principal)
        granted = list(actions) or ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
        statement = iam.PolicyStatement(
            principals=[principal],
            actions=granted,
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        )
        return iam.Grant.add_statement_to_resource_policy(
            statement=statement, resource=key, actions=granted, grantee=principal, resource_arns=["*"]
        )


def _grantee_first(method: str, grantee: object, data_class: object) -> tuple[iam.IGrantable, str]:
    """Accept the old order ``(data_class, grantee)`` for one more release, with a FutureWarning (shown by
    default, unlike a DeprecationWarning raised outside __main__).

    A ``str`` first argument can only be a data class (a grantee is never a string), so the old order is
    recognised without guessing.
    """
    if isinstance(grantee, str) and not isinstance(data_class, str):
        warnings.warn(
            f"EncryptionKeys.{method}({grantee!r}, grantee) is deprecated; pass the grantee first, as in "
            f"CDK: {method}(grantee, {grantee!r})",
            FutureWarning,
            stacklevel=3,
        )
        return data_class, grantee  # type: ignore[return-value]
    return grantee, data_class  # type: ignore[return-value]
