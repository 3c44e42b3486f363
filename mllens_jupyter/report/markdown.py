"""The audit report as GitHub-flavoured Markdown, sized for a pull request comment: at most 60,000
characters (GitHub takes 65,536) whatever the repository's size. The summary comes first, then (with
--baseline) the new and resolved risks, the workloads, and the notebooks worst first, each list cut
where the room ends with "and N more" and a pointer to the full report.

Every string that comes from a notebook (paths, reasons) is escaped: HTML special characters become
entities and Markdown punctuation is backslash-escaped, so nothing in a notebook can add markup.
"""

from __future__ import annotations

import html
import re

from ..escaping import visible
from .base import (
    RISK_ORDER,
    Report,
    answered_count,
    applicable_count,
    one_line,
    sorted_notebooks,
    percent,
    phase_names,
    pillar_names,
    pillar_short,
    practice_info,
    verdict,
    workload_line,
    workload_title,
    worst_first,
)

WORKLOAD_ROWS = 20
PROBLEM_ROWS = 50
MAX_CHARS = 60_000
FULL_REPORT = "the full report lists them all: `mllens audit PATH --format html -o audit.html` (or `--format json`)"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def escape(text: object) -> str:
    """A notebook-supplied string as inert Markdown text on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(one_line(text), quote=False))


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    return ["| " + " | ".join(r) + " |" for r in (header, rule, *rows)]


class Budget:
    """Characters left for the comment; parts are taken whole or not at all."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    @staticmethod
    def size(lines: list[str]) -> int:
        return sum(len(line) + 1 for line in lines) + 1

    def take(self, lines: list[str], keep: int = 0) -> bool:
        """Take `lines` if they fit with `keep` characters still left afterwards."""
        size = self.size(lines)
        if size + keep > self.left:
            return False
        self.left -= size
        return True

    def rows(self, rows: list, line, keep: int = 0) -> int:
        """How many of `rows` (each made a line by `line`) fit, taken in order."""
        taken = 0
        for row in rows:
            if not self.take([line(row)], keep):
                break
            taken += 1
        return taken


def more(count: int, what: str) -> str:
    return f"and {count} more {what}: {FULL_REPORT}"


class MarkdownReport(Report):
    """At most `max_chars` characters whatever the repository's size: the summary first, the worst
    items of each list first, and "and N more" where a list does not fit."""

    name = "markdown"
    extension = ".md"
    media_type = "text/markdown"
    description = "GitHub-flavoured Markdown for pull request comments (at most 60,000 characters)"
    max_chars = MAX_CHARS
    reserve = 400

    def render(self, report: dict) -> str:
        budget = Budget(self.max_chars - self.reserve)
        fixed = {"header": self.header(report), "matrix": self.matrix(report), "top": self.top_risks(report)}
        for lines in fixed.values():
            budget.take(lines)
        parts = [
            fixed["header"],
            self.baseline(report, budget),
            self.workloads(report, budget),
            self.problems(report, budget),
            fixed["matrix"] if "baseline" not in report else [],
            fixed["top"],
            self.notebooks(report, budget),
            self.no_answers(report, budget),
            fixed["matrix"] if "baseline" in report else [],
        ]
        return visible("\n\n".join("\n".join(p) for p in parts if p) + "\n")

    def header(self, report: dict) -> list[str]:
        s, lens = report["summary"], report["lens"]
        mark = "✅" if report["gate"]["exit_code"] == 0 else "❌"
        title = f"## ML Lens audit: changes since {escape(report['baseline']['name'])}" if "baseline" in report \
            else "## ML Lens audit"
        return [
            title,
            "",
            f"**{s['notebooks']} notebooks** · coverage **{percent(s['coverage'])}** of {s['applicable']} applicable "
            f"practices · open risks: **{s['open_high']} high**, {s['open_medium']} medium · "
            f"{s['unreadable']} unreadable · lens {escape(lens['name'])} {escape(lens['version'])}",
            "",
            f"{mark} {verdict(report)}",
        ]

    def baseline(self, report: dict, budget: Budget) -> list[str]:
        """With --baseline: the new risks, high first, then the resolved ones."""
        if "baseline" not in report:
            return []
        changes = sorted(report["baseline"]["changes"], key=lambda c: (c["change"] != "new", RISK_ORDER[c["risk"]]))
        title = (f"### Since {escape(report['baseline']['name'])}: {len(report['baseline']['new'])} new, "
                 f"{len(report['baseline']['resolved'])} resolved")
        if not changes:
            return [title]
        head = [title, "", *_table(["Change", "Practice", "Risk", "Workload", "Notebooks"], [], "llllr")]
        budget.take(head)
        row = self.change_row(report)
        shown = budget.rows(changes, row, self.reserve)
        tail = [more(len(changes) - shown, "changes")] if shown < len(changes) else []
        return [*head, *(row(c) for c in changes[:shown]), *([""] + tail if tail else [])]

    def change_row(self, report: dict):
        return lambda c: "| " + " | ".join([c["change"], self.practice_link(report, c["id"]), c["risk"],
                                            escape(c["workload"]), str(len(c["notebooks"]))]) + " |"

    def workloads(self, report: dict, budget: Budget) -> list[str]:
        lines: list[str] = []
        for index, workload in enumerate(report["workloads"]):
            block = self.workload(report, workload)
            if not budget.take(block, self.reserve):
                lines += [more(len(report["workloads"]) - index, "workloads"), ""]
                break
            lines += [*block, ""]
        return lines[:-1]

    def workload(self, report: dict, workload: dict) -> list[str]:
        opened = worst_first(workload)
        rows = [[self.practice_link(report, p["id"]), p["risk"], f"{p['status']} ({p['scope'] or '-'})",
                 escape(p["owner"] or ""), f"{p['due'] or ''}{' ⚠ overdue' if p['overdue'] else ''}"]
                for p in opened[:WORKLOAD_ROWS]]
        lines = [f"### Workload: {escape(workload_title(workload))}", "", workload_line(workload)]
        if rows:
            lines += ["", *_table(["Practice", "Risk", "Status (scope)", "Owner", "Due"], rows, "lllll")]
        if len(opened) > WORKLOAD_ROWS:
            lines += ["", more(len(opened) - WORKLOAD_ROWS, "open practices")]
        return lines

    def practice_link(self, report: dict, practice_id: str) -> str:
        info = practice_info(report, practice_id)
        title = f"{practice_id} {escape(info['title'])}"
        return f"[{title}]({info['docs_url']})" if info.get("docs_url") else title

    def matrix(self, report: dict) -> list[str]:
        short, names = pillar_short(report), phase_names(report)
        header = ["Phase", *short.values(), "Notebooks"]
        counts = report["summary"]["phase_notebooks"]
        rows = [
            [names[phase], *(percent(c["coverage"]) for c in row.values()), str(counts[phase])]
            for phase, row in report["matrix"].items()
        ]
        legend = ", ".join(f"{short[p]} = {n}" for p, n in pillar_names(report).items())
        return ["### Coverage by phase and pillar", "", *_table(header, rows), "", f"<sub>{legend}</sub>"]

    def top_risks(self, report: dict) -> list[str]:
        if not report["top_high_risks"]:
            return []
        rows = []
        for item in report["top_high_risks"]:
            info = practice_info(report, item["practice"])
            link = f"[{item['practice']}]({info['docs_url']})" if info.get("docs_url") else item["practice"]
            rows.append([link, escape(info["title"]), str(item["notebooks"])])
        return ["### Most frequent open high risks", "", *_table(["Practice", "Title", "Notebooks"], rows, "llr")]

    def problems(self, report: dict, budget: Budget) -> list[str]:
        lines: list[str] = []
        for title, items in (("Unreadable files", report["unreadable"]), ("Skipped", report["skipped"])):
            if items:
                head = [f"### {title} ({len(items)})", "", *_table(["Path", "Reason"], [], "ll")]
                budget.take(head)
                row = lambda i: f"| {escape(i['path'])} | {escape(i['reason'])} |"  # noqa: E731
                shown = budget.rows(items[:PROBLEM_ROWS], row, self.reserve)
                lines += [*head, *(row(i) for i in items[:shown]), ""]
                if shown < len(items):
                    lines += [more(len(items) - shown, "files"), ""]
        return lines[:-1]

    def notebooks(self, report: dict, budget: Budget) -> list[str]:
        """The notebooks worst first (open high risks, then medium, then lowest coverage), as many as fit."""
        notebooks = report["notebooks"]
        if not notebooks:
            return []
        header = ["Notebook", "Phases", "Coverage", "High", "Medium", "Answered"]
        head = [f"<details><summary>Notebooks, worst first ({len(notebooks)})</summary>", "",
                *_table(header, [], "llrrrr")]
        budget.take([*head, "", "</details>"])
        ranked = sorted_notebooks(notebooks)
        shown = budget.rows(ranked, self.notebook_row, self.reserve)
        tail = ["", more(len(notebooks) - shown, "notebooks")] if shown < len(notebooks) else []
        return [*head, *(self.notebook_row(nb) for nb in ranked[:shown]), *tail, "", "</details>"]

    @staticmethod
    def notebook_row(nb: dict) -> str:
        cells = [escape(nb["path"]), ", ".join(nb["phases"]) or "-", percent(nb["coverage"]),
                 str(nb["open"]["high"]), str(nb["open"]["medium"]), f"{answered_count(nb)}/{applicable_count(nb)}"]
        return "| " + " | ".join(cells) + " |"

    def no_answers(self, report: dict, budget: Budget) -> list[str]:
        paths = report["no_answers"]
        if not paths:
            return []
        head = [f"<details><summary>Notebooks with no recorded answer ({len(paths)})</summary>", ""]
        if not budget.take([*head, "", "</details>"], self.reserve):
            return [f"{len(paths)} notebooks have no recorded answer; {FULL_REPORT}"]
        row = lambda p: f"- {escape(p)}"  # noqa: E731
        shown = budget.rows(paths, row, self.reserve)
        if not shown:
            return [f"{len(paths)} notebooks have no recorded answer; {FULL_REPORT}"]
        tail = ["", more(len(paths) - shown, "notebooks")] if shown < len(paths) else []
        return [*head, *(row(p) for p in paths[:shown]), *tail, "", "</details>"]
