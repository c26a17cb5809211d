"""The emulator refuses what AWS refuses: one way to say so.

moto accepts almost any request. Where AWS documents that it refuses one (a Config delivery channel to an
Object Lock bucket, an UpdateEndpoint that changes the instance type of an auto-scaled variant, ...),
the emulator's adapters and API patches call :func:`refuse` with the id of the behaviour in
:mod:`cdk_secure_ml.core.aws_behaviours`. The error carries AWS's error code and a message that
names the behaviour and its source, so a failed demo says which AWS rule the platform broke and where
AWS documents it.

Through the API, the error is serialized as AWS would send it (moto's ``ServiceException``); inside a
CloudFormation stack operation, :mod:`emulator.cloudformation` turns it into the failed resource's
``*_FAILED`` event and rolls the stack status back.

``docs/aws-behaviours.md`` lists every ``refuse`` call under the behaviour it enforces.
"""

from __future__ import annotations

from typing import NoReturn

from moto.core.exceptions import ServiceException

from cdk_secure_ml.core.aws_behaviours import get


class Refused(ServiceException):
    """A request AWS refuses. ``behaviour_id`` names the line of the behaviours table."""

    def __init__(self, behaviour_id: str, code: str, message: str) -> None:
        behaviour = get(behaviour_id)
        super().__init__(code, f"{message} [emulator refuses as AWS does: {behaviour.id}, "
                               f"{behaviour.source}]")
        self.behaviour_id = behaviour_id


def refuse(behaviour_id: str, message: str, *, code: str = "ValidationException") -> NoReturn:
    """Raise :class:`Refused` for ``behaviour_id`` with AWS's error ``code`` and ``message``.

    :raises KeyError: ``behaviour_id`` is not in the behaviours table.
    """
    raise Refused(behaviour_id, code, message)
