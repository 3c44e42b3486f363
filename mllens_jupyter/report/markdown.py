"""The audit report as GitHub-flavoured Markdown, sized for a pull request comment.

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
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def escape(text: object) -> str:
    """A notebook-supplied string as inert Markdown text on one line."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(one_line(text), quote=False))


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    return ["| " + " | ".join(r) + " |" for r in (header, rule, *rows)]


class MarkdownReport(Report):
    name = "markdown"
    extension = ".md"
    media_type = "text/markdown"
    description = "GitHub-flavoured Markdown for pull request comments"

    def render(self, report: dict) -> str:
        parts = [
            self.header(report),
            self.baseline(report),
            self.workloads(report),
            self.matrix(report),
            self.top_risks(report),
            self.problems(report),
            self.notebooks(report),
            self.no_answers(report),
        ]
        return visible("\n\n".join("\n".join(p) for p in parts if p) + "\n")

    def header(self, report: dict) -> list[str]:
        s, lens = report["summary"], report["lens"]
        mark = "✅" if report["gate"]["exit_code"] == 0 else "❌"
        return [
            "## ML Lens audit",
            "",
            f"**{s['notebooks']} notebooks** · coverage **{percent(s['coverage'])}** of {s['applicable']} applicable "
            f"practices · open risks: **{s['open_high']} high**, {s['open_medium']} medium · "
            f"{s['unreadable']} unreadable · lens {escape(lens['name'])} {escape(lens['version'])}",
            "",
            f"{mark} {verdict(report)}",
        ]

    def baseline(self, report: dict) -> list[str]:
        if "baseline" not in report:
            return []
        changes = report["baseline"]["changes"]
        rows = [[c["change"], self.practice_link(report, c["id"]), c["risk"], escape(c["workload"])]
                for c in sorted(changes, key=lambda c: (c["change"] != "new", RISK_ORDER[c["risk"]]))]
        title = (f"### Since {escape(report['baseline']['name'])}: {len(report['baseline']['new'])} new, "
                 f"{len(report['baseline']['resolved'])} resolved")
        return [title, "", *_table(["Change", "Practice", "Risk", "Workload"], rows, "llll")] if rows else [title]

    def workloads(self, report: dict) -> list[str]:
        lines: list[str] = []
        for workload in report["workloads"]:
            opened = worst_first(workload)
            rows = [[self.practice_link(report, p["id"]), p["risk"], f"{p['status']} ({p['scope'] or '-'})",
                     escape(p["owner"] or ""), f"{p['due'] or ''}{' ⚠ overdue' if p['overdue'] else ''}"]
                    for p in opened[:WORKLOAD_ROWS]]
            lines += [f"### Workload: {escape(workload_title(workload))}", "", workload_line(workload), ""]
            if rows:
                lines += [*_table(["Practice", "Risk", "Status (scope)", "Owner", "Due"], rows, "lllll"), ""]
            if len(opened) > WORKLOAD_ROWS:
                lines += [f"and {len(opened) - WORKLOAD_ROWS} more open practices (the JSON or HTML report lists all)", ""]
        return lines[:-1]

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

    def problems(self, report: dict) -> list[str]:
        lines: list[str] = []
        for title, items in (("Unreadable files", report["unreadable"]), ("Skipped", report["skipped"])):
            if items:
                rows = [[escape(i["path"]), escape(i["reason"])] for i in items]
                lines += [f"### {title} ({len(items)})", "", *_table(["Path", "Reason"], rows, "ll"), ""]
        return lines[:-1]

    def notebooks(self, report: dict) -> list[str]:
        if not report["notebooks"]:
            return []
        rows = []
        for nb in report["notebooks"]:
            rows.append([
                escape(nb["path"]), ", ".join(nb["phases"]) or "-", percent(nb["coverage"]),
                str(nb["open"]["high"]), str(nb["open"]["medium"]), f"{answered_count(nb)}/{applicable_count(nb)}",
            ])
        header = ["Notebook", "Phases", "Coverage", "High", "Medium", "Answered"]
        summary = f"<details><summary>Notebooks ({len(rows)})</summary>"
        return [summary, "", *_table(header, rows, "llrrrr"), "", "</details>"]

    def no_answers(self, report: dict) -> list[str]:
        paths = report["no_answers"]
        if not paths:
            return []
        summary = f"<details><summary>Notebooks with no recorded answer ({len(paths)})</summary>"
        return [summary, "", *(f"- {escape(p)}" for p in paths), "", "</details>"]
