"""The report's notebook records: one compact record per notebook, and what it leaves out derived again.

An audit keeps, per notebook, what was found there (phases, cells, evidence), its own answers and its
counts; the applicable practices, the effective answers and the open risks follow from those, the lens
and the workload's answers, so they are derived when a format needs them, one notebook at a time.
"""

from __future__ import annotations

from typing import Any

from .answers import effective_answers, open_risk, status_of

Result = dict[str, Any]


def compact(result: Result, own: dict[str, dict], workload: str | None) -> Result:
    """A notebook's record in the report (`notebooks[]`): what the audit found there, its own
    answers, counts and coverage; `notebook_detail` derives the rest."""
    high = sum(1 for r in result["open_risks"] if r["risk"] == "high")
    return {
        "path": result["path"],
        "workload": workload,
        "cells": result["cells"],
        "phases": result["phases"],
        "phase_cells": result["phase_cells"],
        "answers": own,
        "by_status": result["by_status"],
        "open": {"high": high, "medium": len(result["open_risks"]) - high},
        "coverage": result["coverage"],
        "evidence": result["evidence"],
        "unknown_answers": result["unknown_answers"],
        "metadata_problems": result["metadata_problems"],
    }


class NotebookDetails:
    """Derives from a report what its compact notebook records leave out, as `audit.judged` computed
    it during the audit: the applicable practices (lens order), the effective answers with their scope
    (the notebook's own over its workload's), and the open risks."""

    def __init__(self, report: dict) -> None:
        practices = report["lens"]["practices"]
        self.risk_if_absent = {pid: info["risk_if_absent"] for pid, info in practices.items()}
        self.by_phase: dict[str, list[str]] = {}
        for pid, info in practices.items():
            self.by_phase.setdefault(info["phase"], []).append(pid)
        self.order = {pid: i for i, pid in enumerate(practices)}
        self.inherited = {w["review"]: w.get("answers") or {} for w in report.get("workloads", ())}

    def applicable(self, nb: Result) -> list[str]:
        found = [pid for phase in nb["phases"] for pid in self.by_phase.get(phase, ())]
        return sorted(found, key=self.order.__getitem__)

    def answers(self, nb: Result) -> dict[str, dict]:
        inherited = self.inherited.get(nb.get("workload"))
        return effective_answers(nb["answers"], inherited) if inherited else nb["answers"]

    def detail(self, nb: Result) -> Result:
        """`nb` with `applicable`, effective `answers` and `open_risks` [{practice, risk, status}]."""
        answers, applicable = self.answers(nb), self.applicable(nb)
        risks = ((pid, open_risk(self.risk_if_absent[pid], answers.get(pid))) for pid in applicable)
        opened = [{"practice": pid, "risk": risk, "status": status_of(answers.get(pid))} for pid, risk in risks if risk]
        return {**nb, "applicable": applicable, "answers": answers, "open_risks": opened}
