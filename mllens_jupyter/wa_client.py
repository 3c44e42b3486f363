"""Calls to the AWS Well-Architected Tool through boto3: the client, retries, paging, look-ups, and
every failure as one line saying what to do.

Credentials, profile and region come the way every AWS tool takes them (`--profile`, `--region`,
then the standard chain: environment, shared config, SSO, instance roles); none is stored or printed.
Throttling is retried twice over: by botocore's standard retry mode inside each call, then here with a
longer backoff, before it is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from .errors import UsageError, WaToolError

INSTALL_HINT = "`mllens wa` needs boto3: pip install 'mllens-jupyter[aws]'"
SERVICE = "wellarchitected"
PAGE_SIZE = 50

_ADVICE = {
    "AccessDeniedException": "use a profile or role allowed to call wellarchitected:{operation} (--profile)",
    "ServiceQuotaExceededException": "a limit of the Tool was reached: delete unused lenses, versions or "
                                     "workloads, or ask AWS for a higher quota",
    "ResourceNotFoundException": "check the workload name, the region (--region) and that it was pushed",
    "ConflictException": "it exists already or is busy; run the command again in a minute",
    "ValidationException": "the Tool refused the request",
    "UnrecognizedClientException": "the credentials are not valid; refresh them (aws sso login, aws configure)",
    "ExpiredTokenException": "the credentials have expired; refresh them (aws sso login, aws configure)",
}


def require_boto3() -> Any:
    """The boto3 module; UsageError with what to install when it is missing."""
    try:
        import boto3
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return boto3


def make_client(profile: str | None = None, region: str | None = None, max_attempts: int = 5) -> Any:
    """A `wellarchitected` client from the standard credential chain, with botocore's standard retries."""
    boto3 = require_boto3()
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, NoRegionError, ProfileNotFound

    try:
        session = boto3.session.Session(profile_name=profile or None, region_name=region or None)
        config = Config(retries={"mode": "standard", "max_attempts": max_attempts}, user_agent_extra="mllens")
        return session.client(SERVICE, config=config)
    except ProfileNotFound:
        raise UsageError(f"no AWS profile named {profile!r}; see `aws configure list-profiles`") from None
    except NoRegionError:
        raise UsageError("no AWS region: give --region, or set AWS_REGION or a region in the profile") from None
    except BotoCoreError as err:
        raise UsageError(f"cannot set up the AWS client: {err}") from None


class ToolClient:
    """One client's calls: retried on throttling, paged, and translated into WaToolError."""

    def __init__(self, client: Any, throttle_retries: int = 4, backoff: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.throttle_retries = throttle_retries
        self.backoff = backoff
        self.sleep = sleep

    @property
    def region(self) -> str:
        return self.client.meta.region_name

    def call(self, operation: str, params: dict, also_retry: tuple[str, ...] = ()) -> dict:
        """The response of `operation`; WaToolError with one line when it fails. Errors whose code is in
        `also_retry` are retried like throttling (a resource the Tool is still preparing)."""
        from botocore import xform_name

        method = getattr(self.client, xform_name(operation))
        failures = 0
        while True:
            try:
                return method(**params)
            except Exception as err:  # noqa: BLE001 - translated below, or re-raised as it is
                failures += 1
                if _code(err) not in ("ThrottlingException", *also_retry) or failures > self.throttle_retries:
                    raise translate(err, operation, failures) from None
            self.sleep(self.backoff * 2 ** (failures - 1))

    def pages(self, operation: str, params: dict, key: str) -> Iterator[dict]:
        """Every item under `key` of every page of a listing operation."""
        token = None
        while True:
            page = self.call(operation, {**params, **({"NextToken": token} if token else {})})
            yield from page.get(key) or []
            token = page.get("NextToken")
            if not token:
                return


def translate(err: Exception, operation: str, attempts: int) -> Exception:
    """A botocore failure as WaToolError (or UsageError for set-up problems): one line, what to do."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

    if isinstance(err, (NoCredentialsError, PartialCredentialsError)):
        return UsageError("no AWS credentials found: give --profile, set AWS_PROFILE, or run `aws configure` "
                          "or `aws sso login`")
    if isinstance(err, ClientError):
        return WaToolError(_client_error_line(err, operation, attempts))
    if isinstance(err, BotoCoreError):
        return WaToolError(f"{operation} failed: {_one_line(str(err))}; check the network and the region")
    return err


def _client_error_line(err: Any, operation: str, attempts: int) -> str:
    code = _code(err)
    message = _one_line(err.response.get("Error", {}).get("Message") or "")
    if code == "ThrottlingException":
        return (f"the Well-Architected Tool kept throttling {operation} ({attempts} attempts); wait a minute and "
                f"run the command again: a push carries on where it stopped")
    advice = _ADVICE.get(code, "see the message")
    return f"{operation} failed: {code}: {message or 'no message'}; {advice.format(operation=operation)}"


def _code(err: Exception) -> str | None:
    response = getattr(err, "response", None)
    return (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def find_lens(tool: ToolClient, name: str, version: str) -> tuple[str | None, bool]:
    """The ARN of this account's custom lens named `name` (None when absent), and whether it has
    `version` published."""
    found = [s for s in tool.pages("ListLenses", {"LensType": "CUSTOM_SELF", "LensStatus": "ALL", "LensName": name,
                                                  "MaxResults": PAGE_SIZE}, "LensSummaries")
             if s.get("LensName") == name and s.get("LensArn")]
    if not found:
        return None, False
    arn = found[0]["LensArn"]
    return arn, any(s["LensArn"] == arn and s.get("LensVersion") == version for s in found)


def find_workload(tool: ToolClient, name: str) -> dict | None:
    """The summary of the workload named `name` (exact, else ignoring case), or None."""
    found = list(tool.pages("ListWorkloads", {"WorkloadNamePrefix": name, "MaxResults": PAGE_SIZE},
                            "WorkloadSummaries"))
    exact = [w for w in found if w.get("WorkloadName") == name]
    folded = [w for w in found if (w.get("WorkloadName") or "").casefold() == name.casefold()]
    return (exact or folded or [None])[0]
