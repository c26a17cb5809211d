"""Tear down a Studio domain in the order SageMaker accepts, before ``cdk destroy`` removes the network.

The platform retains the Studio domain and its user profiles on stack delete (a profile's home
directory lives on the domain's EFS volume). CloudFormation therefore leaves them, and with them the
domain's network interfaces and home-EFS mount targets in the VPC's subnets, which keep the network's
subnets and security groups from being deleted. A platform team that really wants everything gone
runs this first (``secure-ml teardown-studio``; docs/operations.md):

1. delete every app (JupyterLab, Code Editor, ...) of the domain's profiles and spaces
   (``DeleteApp``), and wait until each is ``Deleted``;
2. delete every space (``DeleteSpace``), then every user profile (``DeleteUserProfile``): SageMaker
   refuses to delete a profile or space while it has apps, and a domain while it has profiles or spaces
   (``ResourceInUse``; https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteDomain.html);
3. delete the domain with ``RetentionPolicy.HomeEfsFileSystem`` = ``Delete`` (the home EFS goes with
   it) or ``Retain`` (the default of the API: back the volume up, then delete its mount targets and
   the file system yourself before destroying the network), and wait until it is gone;
4. delete the Studio lifecycle configurations the domain and its profiles listed: the platform retains
   them (SageMaker refuses to delete one a domain or profile still lists), and their names are derived
   from their content, so a later deploy of the same config would find them and fail.

Read-only until ``confirm`` is True: without it, the plan is returned and nothing is deleted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: App statuses in which an app is gone or going.
_GONE = {"Deleted", "Deleting", "Failed"}


@dataclass
class TeardownReport:
    """What :func:`teardown_studio_domain` deleted (or, unconfirmed, would delete), in order.

    ``home_efs``: the home EFS file system id, and whether it was deleted with the domain.
    """

    domain_id: str
    apps: list[str] = field(default_factory=list)
    spaces: list[str] = field(default_factory=list)
    user_profiles: list[str] = field(default_factory=list)
    lifecycle_configs: list[str] = field(default_factory=list)
    lifecycle_configs_kept: list[str] = field(default_factory=list)
    home_efs: str | None = None
    home_efs_deleted: bool = False
    done: bool = False

    def lines(self) -> list[str]:
        verb = "deleted" if self.done else "would delete"
        efs = (f"home EFS {self.home_efs} "
               f"{'deleted with the domain' if self.home_efs_deleted else 'RETAINED'}"
               if self.home_efs else "no home EFS reported")
        lines = [
            f"{verb} {len(self.apps)} app(s): {', '.join(self.apps) or '-'}",
            f"{verb} {len(self.spaces)} space(s): {', '.join(self.spaces) or '-'}",
            f"{verb} {len(self.user_profiles)} user profile(s): {', '.join(self.user_profiles) or '-'}",
            f"{verb} domain {self.domain_id}; {efs}",
            f"{verb} {len(self.lifecycle_configs)} lifecycle config(s): "
            f"{', '.join(self.lifecycle_configs) or '-'}",
        ]
        if self.lifecycle_configs_kept:
            lines.append(f"kept (still in use elsewhere): {', '.join(self.lifecycle_configs_kept)}")
        return lines


def _pages(call: Callable[..., dict[str, Any]], key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            return items


def _wait(check: Callable[[], bool], what: str, timeout: float, interval: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def teardown_studio_domain(
    sagemaker: Any,
    domain_id: str,
    *,
    delete_home_efs: bool = False,
    confirm: bool = False,
    timeout: float = 1800.0,
    interval: float = 10.0,
) -> TeardownReport:
    """Delete the apps, spaces and user profiles of ``domain_id``, then the domain.

    :param sagemaker: a boto3 SageMaker client of the domain's account and region.
    :param delete_home_efs: delete the home EFS volume with the domain (``RetentionPolicy`` ``Delete``);
        default False keeps it (``Retain``), as the API does.
    :param confirm: False (default): delete nothing, return the plan.
    :param timeout: seconds to wait for apps and profiles to be deleted (default 30 minutes).
    :param interval: seconds between polls (default 10).
    :raises TimeoutError: an app, profile, space or the domain is still there after ``timeout``.
    :raises RuntimeError: SageMaker reports the domain ``Delete_Failed``.
    :raises botocore.exceptions.ClientError: SageMaker refused a call (for example AccessDenied).
    """
    report, apps, spaces, profiles = _plan(sagemaker, domain_id)
    if not confirm:
        return report

    for app in apps:
        owner = (
            {"SpaceName": app["SpaceName"]}
            if app.get("SpaceName")
            else {"UserProfileName": app["UserProfileName"]}
        )
        sagemaker.delete_app(DomainId=domain_id, AppType=app["AppType"], AppName=app["AppName"], **owner)

    def apps_gone() -> bool:
        listed = _pages(sagemaker.list_apps, "Apps", DomainIdEquals=domain_id)
        return all(a.get("Status") in {"Deleted", "Failed"} for a in listed)

    _wait(apps_gone, f"the apps of {domain_id} to be deleted", timeout, interval)
    for space in spaces:
        sagemaker.delete_space(DomainId=domain_id, SpaceName=space["SpaceName"])
    for profile in profiles:
        sagemaker.delete_user_profile(DomainId=domain_id, UserProfileName=profile["UserProfileName"])

    def members_gone() -> bool:
        left = _pages(sagemaker.list_user_profiles, "UserProfiles", DomainIdEquals=domain_id)
        left += _pages(sagemaker.list_spaces, "Spaces", DomainIdEquals=domain_id)
        return not left

    _wait(members_gone, f"the spaces and user profiles of {domain_id} to be deleted", timeout, interval)
    sagemaker.delete_domain(
        DomainId=domain_id, RetentionPolicy={"HomeEfsFileSystem": "Delete" if delete_home_efs else "Retain"}
    )
    _wait(lambda: _domain_gone(sagemaker, domain_id), f"domain {domain_id} to be deleted", timeout, interval)
    report.home_efs_deleted = delete_home_efs and report.home_efs is not None
    _delete_lifecycle_configs(sagemaker, report)
    report.done = True
    return report


def _plan(sagemaker: Any, domain_id: str) -> tuple[TeardownReport, list[dict], list[dict], list[dict]]:
    """What a teardown of ``domain_id`` deletes: the report, and the running apps, spaces and profiles."""
    domain = sagemaker.describe_domain(DomainId=domain_id)
    report = TeardownReport(domain_id, home_efs=domain.get("HomeEfsFileSystemId"))
    apps = [
        a
        for a in _pages(sagemaker.list_apps, "Apps", DomainIdEquals=domain_id)
        if a.get("Status") not in _GONE
    ]
    spaces = _pages(sagemaker.list_spaces, "Spaces", DomainIdEquals=domain_id)
    profiles = _pages(sagemaker.list_user_profiles, "UserProfiles", DomainIdEquals=domain_id)
    report.apps = [
        f"{a.get('UserProfileName') or a.get('SpaceName')}/{a['AppType']}/{a['AppName']}" for a in apps
    ]
    report.spaces = [s["SpaceName"] for s in spaces]
    report.user_profiles = [p["UserProfileName"] for p in profiles]
    settings = [domain.get("DefaultUserSettings") or {}]
    settings += [
        sagemaker.describe_user_profile(DomainId=domain_id, UserProfileName=name).get("UserSettings") or {}
        for name in report.user_profiles
    ]
    report.lifecycle_configs = sorted(
        {arn.rsplit("/", 1)[-1] for s in settings for arn in _lifecycle_config_arns(s)}
    )
    return report, apps, spaces, profiles


def _domain_gone(sagemaker: Any, domain_id: str) -> bool:
    # Gone, not "Deleting": until then its ENIs and home-EFS mount targets are still in the subnets.
    from botocore.exceptions import ClientError

    try:
        status = sagemaker.describe_domain(DomainId=domain_id).get("Status")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"ResourceNotFound", "ValidationException"}:
            return True
        raise
    if status == "Delete_Failed":
        raise RuntimeError(f"SageMaker could not delete domain {domain_id} (status Delete_Failed)")
    return False


def _delete_lifecycle_configs(sagemaker: Any, report: TeardownReport) -> None:
    """Delete the lifecycle configs the domain and its profiles listed; keep those another one still uses."""
    from botocore.exceptions import ClientError

    for name in list(report.lifecycle_configs):
        try:
            sagemaker.delete_studio_lifecycle_config(StudioLifecycleConfigName=name)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "ResourceNotFound":
                continue
            if code == "ResourceInUse":  # another domain or profile lists it: keep it
                report.lifecycle_configs.remove(name)
                report.lifecycle_configs_kept.append(name)
                continue
            raise


def _lifecycle_config_arns(settings: dict[str, Any]) -> list[str]:
    """The Studio lifecycle config ARNs a domain's default user settings or a profile's settings list."""
    arns: list[str] = []
    for app in (
        "JupyterLabAppSettings",
        "CodeEditorAppSettings",
        "JupyterServerAppSettings",
        "KernelGatewayAppSettings",
    ):
        app_settings = settings.get(app) or {}
        arns += app_settings.get("LifecycleConfigArns") or []
        default = (app_settings.get("DefaultResourceSpec") or {}).get("LifecycleConfigArn")
        if default:
            arns.append(default)
    return arns


def main_teardown_studio(argv: list[str], stdout: Any = None) -> int:
    """``secure-ml teardown-studio --domain-id ID [--region R] [--profile P] [--endpoint-url URL]
    [--delete-home-efs] [--yes]``: print the plan; with ``--yes`` carry it out.

    Exit 0: done (or planned); 1: SageMaker refused a call or a wait timed out; 2: bad usage.
    """
    import argparse
    import sys

    out = stdout or sys.stdout
    parser = argparse.ArgumentParser(
        prog="secure-ml teardown-studio",
        description="Delete a Studio domain's apps, spaces and user profiles, then the domain, in the order "
        "SageMaker accepts (docs/operations.md). Without --yes it only prints what it would delete.",
    )
    parser.add_argument("--domain-id", required=True, help="the domain (output DomainId of the Studio stack)")
    parser.add_argument("--region", help="AWS region (default: the session's)")
    parser.add_argument("--profile", help="AWS named profile")
    parser.add_argument("--endpoint-url", help="another SageMaker endpoint (the local emulator)")
    parser.add_argument(
        "--delete-home-efs",
        action="store_true",
        help="delete the home EFS volume with the domain (default: retain it)",
    )
    parser.add_argument("--yes", action="store_true", help="delete; without it nothing is changed")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    sagemaker = session.client("sagemaker", endpoint_url=args.endpoint_url)
    try:
        report = teardown_studio_domain(
            sagemaker, args.domain_id, delete_home_efs=args.delete_home_efs, confirm=args.yes
        )
    except (ClientError, BotoCoreError, TimeoutError, RuntimeError) as error:
        print(f"secure-ml teardown-studio: {error}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line, file=out)
    if not args.yes:
        print("nothing deleted: run again with --yes", file=out)
    elif report.home_efs and not report.home_efs_deleted:
        print(
            f"next: back up and delete EFS {report.home_efs} (its mount targets first), then cdk destroy",
            file=out,
        )
    return 0
