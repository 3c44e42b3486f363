"""The audit report as SARIF 2.1.0, so that code scanning annotates notebooks.

- one rule per lens practice (`helpUri` = the practice's documentation), plus `mllens/unreadable`;
- one result per open risk, located at the notebook file: level `error` for high, `warning` for medium,
  written one at a time;
- one `error` result per unreadable file, also listed as a tool execution notification;
- at most `max_results` results (GitHub code scanning rejects a run of more than 25,000): past it,
  unreadable files and high risks are kept first, and a notification says how many were left out;
- paths relative to the current folder are given against `%SRCROOT%`, percent-encoded.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from .base import Report, practice_info
from .json import Streamed, write_json

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/machine-learning-lens.html"
UNREADABLE_RULE = "mllens/unreadable"
LEVELS = {"high": "error", "medium": "warning"}


def artifact_location(path: str) -> dict:
    """A SARIF artifactLocation for a path as the audit reported it."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    posix = Path(path).as_posix()
    return {"uri": quote(posix.removeprefix("./"), safe="/"), "uriBaseId": "%SRCROOT%"}


def _location(path: str) -> dict:
    return {"physicalLocation": {"artifactLocation": artifact_location(path), "region": {"startLine": 1}}}


def _rule(report: dict, practice_id: str) -> dict:
    info = practice_info(report, practice_id)
    rule = {
        "id": practice_id,
        "name": practice_id.replace("-", ""),
        "shortDescription": {"text": info["title"]},
        "fullDescription": {"text": f"{info['title']} ({info['pillar']}, {info['phase']})"},
        "help": {"text": f"Record how the notebook handles it: mllens answer NOTEBOOK {practice_id} STATUS"},
        "defaultConfiguration": {"level": LEVELS.get(info.get("risk_if_absent", ""), "warning")},
        "properties": {"tags": [t for t in (info["pillar"], info["phase"]) if t]},
    }
    if info.get("docs_url"):
        rule["helpUri"] = info["docs_url"]
    return rule


def _unreadable_rule() -> dict:
    return {
        "id": UNREADABLE_RULE,
        "name": "UnreadableNotebook",
        "shortDescription": {"text": "A notebook could not be read or audited"},
        "help": {"text": "Fix or exclude the file: it is not a readable nbformat 3 or 4 notebook."},
        "defaultConfiguration": {"level": "error"},
    }


class SarifReport(Report):
    name = "sarif"
    extension = ".sarif"
    media_type = "application/sarif+json"
    description = "SARIF 2.1.0 for code scanning"
    max_results = 25_000

    def render(self, report: dict) -> str:
        out = io.StringIO()
        self.write(report, out)
        return out.getvalue()

    def write(self, report: dict, stream: TextIO) -> None:
        write_json(self.document(report), stream)
        stream.write("\n")

    def document(self, report: dict) -> dict:
        """The SARIF log, its results `Streamed` (written one at a time)."""
        rule_ids = [*report["lens"]["practices"], UNREADABLE_RULE]
        index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
        keep_high, keep_medium = self.room(report)
        left_out = self.risk_count(report, "high") - keep_high + self.risk_count(report, "medium") - keep_medium
        results = chain(self.risk_results(report, index, {"high": keep_high, "medium": keep_medium}),
                        self.unreadable_results(report, index))
        run = {
            "tool": {"driver": self.driver(report, rule_ids)},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
            "invocations": [self.invocation(report, left_out)],
            "results": Streamed(results),
        }
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    @staticmethod
    def risk_count(report: dict, level: str) -> int:
        return sum(nb["open"][level] for nb in report["notebooks"])

    def room(self, report: dict) -> tuple[int, int]:
        """How many high and medium risk results fit within `max_results` beside the unreadable
        files (high risks first; within a level, in the order of the notebooks)."""
        room = max(self.max_results - len(report["unreadable"]), 0)
        high = min(self.risk_count(report, "high"), room)
        return high, min(self.risk_count(report, "medium"), room - high)

    def driver(self, report: dict, rule_ids: list[str]) -> dict:
        return {
            "name": "mllens",
            "version": report["tool"]["version"],
            "informationUri": INFORMATION_URI,
            "rules": [_rule(report, pid) for pid in rule_ids[:-1]] + [_unreadable_rule()],
        }

    def invocation(self, report: dict, left_out: int = 0) -> dict:
        notifications = [
            {"level": "error", "message": {"text": f"{u['path']}: {u['reason']}"}, "locations": [_location(u["path"])]}
            for u in report["unreadable"]
        ]
        if left_out:
            text = (f"{left_out} open risks left out: a run holds at most {self.max_results} results (the most "
                    "code scanning accepts); audit with --fail-on high, or fewer notebooks per upload")
            notifications.append({"level": "warning", "message": {"text": text}})
        return {
            "executionSuccessful": not report["unreadable"],
            "exitCode": report["gate"]["exit_code"],
            "toolExecutionNotifications": notifications,
        }

    def risk_results(self, report: dict, index: dict[str, int], room: dict[str, int]) -> Iterator[dict]:
        """One result per open risk, notebook by notebook, at most `room[level]` of each level."""
        from ..records import NotebookDetails

        details, left = NotebookDetails(report), dict(room)
        for record in report["notebooks"]:
            if not (record["open"]["high"] or record["open"]["medium"]):
                continue
            nb = details.detail(record)
            for risk in nb["open_risks"]:
                if left[risk["risk"]] > 0:
                    left[risk["risk"]] -= 1
                    yield self.risk_result(report, nb, risk, index)

    def risk_result(self, report: dict, nb: dict, risk: dict, index: dict[str, int]) -> dict:
        info = practice_info(report, risk["practice"])
        text = (
            f"Open {risk['risk']} risk: {risk['practice']} {info['title']} is {risk['status']} "
            f"in a notebook whose {info['phase']} phase is present."
        )
        return {
            "ruleId": risk["practice"],
            "ruleIndex": index[risk["practice"]],
            "level": LEVELS[risk["risk"]],
            "message": {"text": text},
            "locations": [_location(nb["path"])],
            "partialFingerprints": {"mllensPractice/v1": f"{nb['path']}:{risk['practice']}"},
        }

    def unreadable_results(self, report: dict, index: dict[str, int]) -> list[dict]:
        return [
            {
                "ruleId": UNREADABLE_RULE,
                "ruleIndex": index[UNREADABLE_RULE],
                "level": "error",
                "message": {"text": f"Unreadable notebook: {u['reason']}"},
                "locations": [_location(u["path"])],
            }
            for u in report["unreadable"]
        ]
