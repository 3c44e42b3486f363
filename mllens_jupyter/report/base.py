"""What every report format shares: the `Report` base class and small helpers over the audit data.

A format is one class: `name`, a file `extension`, a `media_type`, and `render(report) -> str`, where
`report` is the plain data that `audit.Auditor.run` returns (`schemas/audit-report.v3.schema.json`).
A format that writes a long document overrides `write(report, stream)` to write it piece by piece.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from ..escaping import visible

_SURROGATE = re.compile("[\ud800-\udfff]")


class Report(ABC):
    """Base of the report formats; subclasses set the class attributes and implement `render`."""

    name: ClassVar[str] = ""
    extension: ClassVar[str] = ".txt"
    media_type: ClassVar[str] = "text/plain"
    description: ClassVar[str] = ""

    @abstractmethod
    def render(self, report: dict) -> str:
        """The report as text in this format."""

    def write(self, report: dict, stream: TextIO) -> None:
        """Write the report in this format to `stream` (by default, all of `render` at once)."""
        stream.write(self.render(report))


def valid_unicode(text: str) -> str:
    """Text that encodes as UTF-8: lone surrogates (from JSON escapes such as \\ud800 in a notebook) become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def practice_info(report: dict, practice_id: str) -> dict:
    unknown = {"title": practice_id, "pillar": "", "phase": "", "risk_if_absent": "", "docs_url": ""}
    return report["lens"]["practices"].get(practice_id) or unknown


def phase_names(report: dict) -> dict[str, str]:
    return {p["id"]: p["name"] for p in report["lens"]["phases"]}


def pillar_names(report: dict) -> dict[str, str]:
    return {p["id"]: p["name"] for p in report["lens"]["pillars"]}


def pillar_short(report: dict) -> dict[str, str]:
    """A short column label per pillar: the common prefix of its practice ids (MLOPS...), else its id."""
    prefixes: dict[str, str] = {}
    for pid, info in report["lens"]["practices"].items():
        prefixes.setdefault(info["pillar"], re.sub(r"[0-9].*$", "", pid) or info["pillar"])
    return {p["id"]: prefixes.get(p["id"], p["id"]) for p in report["lens"]["pillars"]}


def percent(coverage: float | None) -> str:
    return "-" if coverage is None else f"{coverage * 100:.0f}%"


def status_of(notebook: dict, practice_id: str) -> str:
    return (notebook["answers"].get(practice_id) or {}).get("status", "unanswered")


def applicable_count(notebook: dict) -> int:
    """How many practices apply to a notebook (its counts by status add up to it)."""
    return sum(notebook["by_status"].values())


def answered_count(notebook: dict) -> int:
    return applicable_count(notebook) - notebook["by_status"]["unanswered"]


def applicable_rows(report: dict, notebook: dict) -> Iterator[tuple[str, dict, str, str | None]]:
    """(practice id, its lens info, status, open risk or None) for every applicable practice of a
    notebook record with its details (`audit.NotebookDetails.detail`)."""
    risks = {r["practice"]: r["risk"] for r in notebook["open_risks"]}
    for pid in notebook["applicable"]:
        yield pid, practice_info(report, pid), status_of(notebook, pid), risks.get(pid)


RISK_ORDER = {"high": 0, "medium": 1, None: 2}
NOTEBOOK_ORDERS = ("risk", "path", "coverage")


def worst_notebook_key(nb: dict) -> tuple:
    """Worst first: most open high risks, then most open medium ones, then lowest coverage, then path."""
    coverage = nb["coverage"] if nb["coverage"] is not None else 2.0
    return (-nb["open"]["high"], -nb["open"]["medium"], coverage, nb["path"])


def sorted_notebooks(notebooks: list[dict], order: str = "risk") -> list[dict]:
    """Notebook records in one of NOTEBOOK_ORDERS: `risk` worst first, `path`, or `coverage` lowest
    first (worst first among equals; notebooks where nothing applies last)."""
    if order == "path":
        return sorted(notebooks, key=lambda nb: nb["path"])
    if order == "coverage":
        return sorted(notebooks, key=lambda nb: (nb["coverage"] if nb["coverage"] is not None else 2.0,
                                                 worst_notebook_key(nb)))
    return sorted(notebooks, key=worst_notebook_key)


def workload_title(workload: dict) -> str:
    where = workload["review"] or "no review file"
    return f"{workload['name']} ({where})"


def workload_line(workload: dict) -> str:
    """One line about a workload: notebooks, practices that apply, open risks counted in practices."""
    overdue = f" · {len(workload['overdue'])} overdue" if workload["overdue"] else ""
    return (f"{workload['notebooks']} notebook(s) · {len(workload['practices'])} practices apply · open: "
            f"{workload['open']['high']} high, {workload['open']['medium']} medium{overdue}")


def worst_first(workload: dict) -> list[dict]:
    """A workload's open practices, high before medium, overdue first within each."""
    opened = [p for p in workload["practices"] if p["risk"]]
    return sorted(opened, key=lambda p: (RISK_ORDER[p["risk"]], not p["overdue"]))


def one_line(text: Any, limit: int = 0) -> str:
    """A notebook-supplied string on a single line of terminal or plain text, its controls escaped."""
    flat = visible(" ".join(str(text).split()))
    return flat if not limit or len(flat) <= limit else flat[: limit - 1] + "…"


def verdict(report: dict) -> str:
    """A one-line outcome of the gate: ok, check failed, or unreadable notebooks."""
    gate, summary = report["gate"], report["summary"]
    if summary["unreadable"]:
        return f"UNREADABLE: {summary['unreadable']} file(s) could not be audited (exit 3)"
    if gate["exit_code"] == 1:
        return f"FAILED: {gate['failing_notebooks']} notebook(s) with open {gate['fail_on']} risks or worse (exit 1)"
    suffix = f" (no notebook has open {gate['fail_on']} risks or worse)" if gate["fail_on"] else ""
    return f"OK{suffix}"
