"""Helpers for the Well-Architected Tool tests: a real `wellarchitected` client with fake credentials
(no account, no network), and every limit of the service model checked on a call's parameters."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.handlers import generate_idempotent_uuid
from botocore.stub import Stubber
from botocore.validate import ParamValidator

from mllens_jupyter.wa_client import ToolClient
from mllens_jupyter.wa_sync import LENS_ARN, WORKLOAD_ID

REGION = "eu-west-1"
LENS = f"arn:aws:wellarchitected:{REGION}:123456789012:lens/0123456789abcdef0123456789abcdef"
WORKLOAD = "fedcba9876543210fedcba9876543210"
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_CONFIG_FILE": "/nonexistent/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_EC2_METADATA_DISABLED": "true"}


EXAMPLE = Path(__file__).resolve().parents[1] / "example_notebooks" / "mllens-review.yaml"
NAME = "Churn prediction for the telecom retention team"
LENS_NAME = "AWS Well-Architected Machine Learning Lens"


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch) -> None:
    """Fake credentials and a region, and no shared config: nothing can reach a real account."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def review(tmp_path) -> Path:
    """A copy of the example workload's review file."""
    path = tmp_path / "mllens-review.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def real_client() -> Any:
    return boto3.session.Session(region_name=REGION).client("wellarchitected")


def stubbed(sleeps: list | None = None) -> tuple[ToolClient, Stubber]:
    """A ToolClient over a real client whose calls a Stubber answers (requests validated by botocore)."""
    client = real_client()
    stubber = Stubber(client)
    stubber.activate()
    tool = ToolClient(client, throttle_retries=2, backoff=1.0,
                      sleep=(sleeps.append if sleeps is not None else (lambda seconds: None)))
    return tool, stubber


def _walk(shape, value, where: str):
    if shape.type_name == "structure":
        for name, item in value.items():
            if name not in shape.members:
                yield f"{where}.{name}: not in the model"
            else:
                yield from _walk(shape.members[name], item, f"{where}.{name}")
    elif shape.type_name == "list":
        yield from _size(shape, len(value), where)
        for index, item in enumerate(value):
            yield from _walk(shape.member, item, f"{where}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            yield from _walk(shape.key, key, f"{where} key")
            yield from _walk(shape.value, item, f"{where}[{key}]")
    elif shape.type_name == "string":
        yield from _size(shape, len(value.encode("utf-16-le")) // 2, where)
        pattern = shape.metadata.get("pattern")
        if pattern and "\\p" not in pattern and not re.fullmatch(pattern, value):
            yield f"{where}: {value[:40]!r} does not match {pattern}"
        if shape.enum and value not in shape.enum:
            yield f"{where}: {value!r} not one of {shape.enum}"
    elif shape.type_name == "integer":
        yield from _size(shape, value, where)


def _size(shape, size: int, where: str):
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if (low is not None and size < low) or (high is not None and size > high):
        yield f"{where}: {size} outside {low}..{high}"


def model_problems(operation: str, params: dict) -> list[str]:
    """Every way `params` break the service model: botocore's own validation (types, required members,
    minimums) after it fills idempotency tokens as it does before sending, then maxima, patterns, enums."""
    model = real_client().meta.service_model.operation_model(operation)
    filled = {key: {LENS_ARN: LENS, WORKLOAD_ID: WORKLOAD}.get(v, v) if isinstance(v, str) else v
              for key, v in params.items()}
    if "Lenses" in filled:
        filled["Lenses"] = [LENS if v == LENS_ARN else v for v in filled["Lenses"]]
    generate_idempotent_uuid(filled, model)
    report = ParamValidator().validate(filled, model.input_shape)
    problems = [report.generate_report()] if report.has_errors() else []
    return problems + list(_walk(model.input_shape, filled, operation))
