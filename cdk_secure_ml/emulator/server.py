"""Start and stop moto's server in this process, with the CloudFormation adapters registered.

    with Emulator() as emulator:
        subprocess.run([...], env=emulator.env())

The server listens on 127.0.0.1 on a port the OS picks (port 0), so parallel runs (pytest -n 2)
never clash. The adapters must be registered in the process that runs the server: moto finds
CloudFormation models through ``CloudFormationModel.__subclasses__()`` in its own process.
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import socket
from collections.abc import Iterable
from threading import Thread
from typing import Any, Self
from urllib.parse import urlparse, urlunparse

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from . import ADAPTER_MODULES

ACCOUNT_ID = "123456789012"
#: Dummy credentials: moto accepts any; these can never reach AWS.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

_installed = False


def install_adapters() -> dict[str, type]:
    """Import the adapter modules and make moto's CloudFormation use them. Idempotent.

    Two small patches of ``moto.cloudformation``, both needed in this process only:

    - type dispatch: an adapter wins over moto's own model of the same type (moto's KMS key model
      fails on tagged keys) and over moto's ``Custom::`` handling (which invokes a Lambda function
      in docker);
    - template URLs: moto reads ``http://127.0.0.1:<port>/<bucket>/<key>`` (what the CDK CLI sends
      with AWS_ENDPOINT_URL) as a virtual-hosted URL of bucket "127"; an IP host is path-style.
    """
    global _installed
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation import parsing, responses

    from ._base import ADAPTERS

    if _installed:
        return ADAPTERS
    for name in ADAPTER_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "install"):
            module.install()

    moto_resource_class = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        return ADAPTERS.get(resource_type) or moto_resource_class(resource_type)

    parsing.resource_class_from_type = resource_class_from_type

    moto_template = responses.get_stack_from_s3_url

    def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
        parts = urlparse(template_url)
        if _is_ip(parts.hostname or ""):
            template_url = urlunparse(parts._replace(netloc="localhost"))
        return moto_template(template_url, account_id=account_id, partition=partition)

    responses.get_stack_from_s3_url = get_stack_from_s3_url
    cfn_models.get_stack_from_s3_url = get_stack_from_s3_url
    # moto caches its model map on first use; rebuild it with the adapters.
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    _installed = True
    return ADAPTERS


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def unsupported_types(resource_types: Iterable[str]) -> list[str]:
    """The CloudFormation types (of ``resource_types``) the emulator cannot create: moto would leave
    them as placeholders, or (``Custom::``) would need docker to run their Lambda function."""
    from moto.cloudformation import parsing

    adapters = install_adapters()
    known = parsing.get_model_map()
    missing = set()
    for resource_type in resource_types:
        if resource_type in adapters:
            continue
        if (
            resource_type.startswith("Custom::")
            or resource_type == "AWS::CloudFormation::CustomResource"
            or resource_type in parsing.NULL_MODELS
            or resource_type not in known
        ):
            missing.add(resource_type)
    return sorted(missing)


class _MotoServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer, binding in the caller's thread: a bind error raises here instead of
    leaving ``start()`` waiting forever, and port 0 gets a free port from the OS."""

    def start(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._thread = Thread(target=self._server.serve_forever, daemon=True, name="moto-server")
        self._thread.start()


class Emulator:
    """moto's server on ``host`` (127.0.0.1) and a free port, adapters registered."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1") -> None:
        self.host = host
        self.port = port
        self.region = region
        self._server: _MotoServer | None = None

    def start(self, reset: bool = True) -> Self:
        import logging

        # One line per request, and moto's "no CloudFormation support" warnings, would bury the
        # demo's own report (which names skipped types).
        import warnings

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto")
        install_adapters()
        server = _MotoServer(ip_address=self.host, port=self.port, verbose=False)
        server.start()
        self._server = server
        self.port = server.get_host_and_port()[1]
        with socket.create_connection((self.host, self.port), timeout=5):
            pass
        if reset:
            self.reset()
        return self

    def reset(self) -> None:
        """Empty every moto backend. moto keeps its state per process, not per server: a new
        emulator would otherwise see what an earlier one (or an earlier test) created."""
        from urllib.request import Request, urlopen

        with urlopen(Request(f"{self.endpoint_url}/moto-api/reset", method="POST"), timeout=30) as response:
            response.read()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment for a process (the cdk CLI, secure-ml audit) that must talk to the emulator
        only: endpoint, dummy credentials, region; no profile, no shared config, no instance metadata."""
        env = dict(os.environ if base is None else base)
        for name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ):
            env.pop(name, None)
        env.update(DUMMY_CREDENTIALS)
        env.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            }
        )
        return env

    def session(self) -> Any:
        """A boto3 session with the dummy credentials; pass ``endpoint_url`` to clients."""
        import boto3

        return boto3.Session(
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=self.region,
        )

    def client(self, service: str) -> Any:
        return self.session().client(service, endpoint_url=self.endpoint_url)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
