"""What an audit compares with: a milestone of the workloads' review files, or an earlier JSON report.

Risks are compared per workload and practice: a risk is *new* when a practice is open now and was
not (or was open at a lower level), *resolved* when it was open and is not any more. A workload whose
review file lacks the milestone is compared with nothing, so all its open risks are new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import FileError, UsageError
from .lens import Lens
from .review import load as load_review
from .review import milestone

RISK_RANK = {"medium": 1, "high": 2}
Key = tuple[str, str]


def open_in_milestone(found: dict | None) -> dict[str, str]:
    """The practices a milestone recorded as open, with their risk."""
    opened = (found or {}).get("open") or {}
    return {pid: level for level in ("medium", "high") for pid in opened.get(level) or ()}


class Baseline:
    """The open risks to compare an audit's workloads with."""

    def __init__(self, name: str, report: dict | None = None, lens: Lens | None = None) -> None:
        self.name, self.report, self.lens = name, report, lens

    @classmethod
    def named(cls, given: str, paths: Iterable[str], lens: Lens, review: str | None = None) -> Baseline:
        """A baseline from `--baseline`: a JSON report when `given` is a file, else a milestone name."""
        if given.endswith(".json") or Path(given).is_file():
            return cls(given, _read_report(given))
        return cls(given, None, lens)

    def before(self, workload: dict) -> dict[str, str]:
        """The practices of `workload` that were open in the baseline, with their risk."""
        if self.report is not None:
            return {p["id"]: p["risk"] for w in self.report["workloads"] if w["name"] == workload["name"]
                    for p in w["practices"] if p.get("risk")}
        if not workload["review"]:
            return {}
        return open_in_milestone(milestone(load_review(workload["review"], self.lens), self.name))

    def compare(self, workloads: list[dict]) -> dict:
        """The report's `baseline`: the ids of new and resolved risks, and each change in detail."""
        self._check_found(workloads)
        changes = [change for w in workloads for change in _changes(w, self.before(w))]
        return {
            "name": self.name,
            "new": sorted({c["id"] for c in changes if c["change"] == "new"}),
            "resolved": sorted({c["id"] for c in changes if c["change"] == "resolved"}),
            "changes": changes,
        }

    def _check_found(self, workloads: list[dict]) -> None:
        if self.report is not None:
            return
        reviews = [w["review"] for w in workloads if w["review"]]
        if not any(milestone(load_review(path, self.lens), self.name) for path in reviews):
            where = ", ".join(reviews) or "no review file covers these notebooks"
            raise UsageError(f"no milestone named {self.name!r} ({where}); `mllens review milestone NAME` records one")


def _changes(workload: dict, before: dict[str, str]) -> list[dict]:
    now = {p["id"]: p for p in workload["practices"]}
    changes = []
    for pid, practice in now.items():
        risk = practice["risk"]
        if risk and RISK_RANK[risk] > RISK_RANK.get(before.get(pid, ""), 0):
            changes.append(_change(workload, pid, risk, "new", practice["notebooks"]))
    for pid, risk in sorted(before.items()):
        if not (now.get(pid) or {}).get("risk"):
            changes.append(_change(workload, pid, risk, "resolved", (now.get(pid) or {}).get("notebooks", [])))
    return changes


def _change(workload: dict, pid: str, risk: str, change: str, notebooks: list[str]) -> dict:
    return {"workload": workload["name"], "id": pid, "risk": risk, "change": change, "notebooks": notebooks}


def _read_report(path: str) -> dict:
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise FileError(path, f"cannot read the baseline report: {err.strerror or err}") from None
    except ValueError as err:
        raise FileError(path, f"the baseline is not a JSON report: {err}") from None
    if not isinstance(report, dict) or not isinstance(report.get("workloads"), list):
        raise UsageError(f"{path}: not an audit report of mllens 0.2 or later (no `workloads`); "
                         "make one with `mllens audit --format json`")
    return report
