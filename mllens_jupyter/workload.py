"""The workload view of an audit: each applicable practice counted once per workload.

A workload is the folder a review file covers, or the group of notebooks under none ("unreviewed").
A practice applies to a workload when its phase is present in at least one of its notebooks; its
status there is the weakest effective answer among those notebooks (`answers.weakest`), with the
scope that answer came from; owner and due date come from the workload's answer. Risks are counted
in practices, once each.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .answers import open_risk, status_of, weakest
from .lens import Lens
from .review import is_overdue

UNREVIEWED = "Unreviewed notebooks"


class WorkloadTally:
    """Collects the notebooks of one workload as their audit results arrive."""

    def __init__(self, lens: Lens, review_file: Path | None, review: Mapping | None,
                 answers: Mapping[str, dict]) -> None:
        self.lens, self.review_file, self.answers = lens, review_file, answers
        self.name = ((review or {}).get("workload") or {}).get("name") or UNREVIEWED
        self.milestones = [{"name": m["name"], "date": str(m.get("date") or ""), "summary": dict(m.get("summary") or {})}
                           for m in (review or {}).get("milestones") or ()]
        self.notebooks: list[str] = []
        self.applies: dict[str, list[str]] = {}
        self.weakest: dict[str, Mapping | None] = {}

    def add(self, result: Mapping[str, Any]) -> None:
        """Count one notebook's result (its `answers` are already the effective ones)."""
        path = result["path"]
        self.notebooks.append(path)
        answers = result["answers"]
        for pid in result["applicable"]:
            answer = answers.get(pid)
            if pid in self.applies:
                self.applies[pid].append(path)
                self.weakest[pid] = weakest((self.weakest[pid], answer))
            else:
                self.applies[pid] = [path]
                self.weakest[pid] = answer

    def practices(self, today: dt.date | None = None) -> list[dict]:
        """The applicable practices in lens order, each with its workload status and open risk."""
        return [self._practice(p, today) for p in self.lens.practices if p.id in self.applies]

    def _practice(self, practice, today: dt.date | None) -> dict:
        answer = self.weakest[practice.id]
        own = self.answers.get(practice.id) or {}
        return {
            "id": practice.id,
            "phase": practice.phase,
            "pillar": practice.pillar,
            "risk_if_absent": practice.risk_if_absent,
            "risk": open_risk(practice.risk_if_absent, answer),
            "status": status_of(answer),
            "scope": (answer or {}).get("scope"),
            "owner": own.get("owner"),
            "due": own.get("due"),
            "overdue": is_overdue(own, today),
            "notebooks": self.applies[practice.id],
        }

    def finish(self, today: dt.date | None = None) -> dict:
        """This workload's section of the report."""
        practices = self.practices(today)
        return {
            "review": shown_path(self.review_file) if self.review_file else None,
            "name": self.name,
            "notebooks": len(self.notebooks),
            "practices": practices,
            "open": {level: sum(1 for p in practices if p["risk"] == level) for level in ("high", "medium")},
            "overdue": [p["id"] for p in practices if p["overdue"]],
            "milestones": self.milestones,
        }


def open_practices(workloads: list[dict]) -> dict[tuple[str | None, str], str]:
    """Every open risk of a report's workloads: (review file, practice id) -> risk."""
    return {(w["review"], p["id"]): p["risk"] for w in workloads for p in w["practices"] if p["risk"]}


def shown_path(path: Path) -> str:
    """A review file's path as a report shows it: relative to the working folder when under it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def milestone_of(workload: dict, name: str, today: dt.date | None = None) -> dict:
    """A milestone recording a workload's review as it stands: effective statuses, open risks, counts."""
    practices = workload["practices"]
    opened = {level: [p["id"] for p in practices if p["risk"] == level] for level in ("high", "medium")}
    return {
        "name": name,
        "date": (today or dt.date.today()).isoformat(),
        "answers": {p["id"]: p["status"] for p in practices},
        "open": opened,
        "summary": {"notebooks": workload["notebooks"], "applicable": len(practices),
                    "open_high": len(opened["high"]), "open_medium": len(opened["medium"]),
                    "overdue": len(workload["overdue"])},
    }
