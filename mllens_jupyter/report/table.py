"""The audit report as plain text for a terminal: summary, workloads, phase x pillar coverage, top
risks, the notebooks (worst first unless `sort` says otherwise), problems, and a last line that sums
it all up for a CI log."""

from __future__ import annotations

from ..escaping import visible
from .base import (
    Report,
    answered_count,
    applicable_count,
    one_line,
    sorted_notebooks,
    percent,
    phase_names,
    pillar_short,
    practice_info,
    verdict,
    workload_line,
    workload_title,
    worst_first,
)

NAME_WIDTH = 30
WORKLOAD_ROWS = 15


class TableReport(Report):
    name = "table"
    extension = ".txt"
    description = "plain text for the terminal"

    def __init__(self, sort: str = "risk") -> None:
        self.sort = sort

    def render(self, report: dict) -> str:
        sections = [
            self.header(report),
            self.workloads(report),
            self.matrix(report),
            self.top_risks(report),
            self.notebooks(report),
            self.problems(report),
            summary_line(report),
        ]
        return visible("\n\n".join(s for s in sections if s) + "\n")

    def header(self, report: dict) -> str:
        lens, summary = report["lens"], report["summary"]
        return "\n".join([
            f"mllens audit · lens {lens['id']} {lens['version']} · {summary['notebooks']} notebooks, "
            f"{summary['unreadable']} unreadable, {summary['skipped']} skipped, {summary['excluded']} excluded",
            f"Coverage {percent(summary['coverage'])} of {summary['applicable']} applicable practices · "
            f"open risks: {summary['open_high']} high, {summary['open_medium']} medium · "
            f"{summary['with_answers']} notebook(s) with answers, {len(report['no_answers'])} without",
        ])

    def workloads(self, report: dict) -> str:
        lines = ["Workloads (each practice counted once per workload):"]
        for workload in report["workloads"]:
            lines += [f"  {one_line(workload_title(workload))}", f"    {workload_line(workload)}"]
            opened = worst_first(workload)
            for item in opened[:WORKLOAD_ROWS]:
                lines.append("    " + self.practice_row(report, item))
            if len(opened) > WORKLOAD_ROWS:
                lines.append(f"    … and {len(opened) - WORKLOAD_ROWS} more open (--format json or html lists them all)")
        return "\n".join(lines) if report["workloads"] else ""

    def practice_row(self, report: dict, item: dict) -> str:
        scope = f" ({item['scope']})" if item["scope"] else ""
        owner = f"  owner {one_line(item['owner'])}" if item["owner"] else ""
        due = f"  due {item['due']}{' OVERDUE' if item['overdue'] else ''}" if item["due"] else ""
        title = practice_info(report, item["id"])["title"]
        return f"{item['id']:<14} {item['risk']:<6} {item['status'] + scope:<22} {title}{owner}{due}"

    def matrix(self, report: dict) -> str:
        short = pillar_short(report)
        names = phase_names(report)
        lines = ["Coverage by phase and pillar (share of applicable practices done or not applicable):"]
        lines.append(f"  {'':<{NAME_WIDTH}}" + "".join(f"{s:>8}" for s in short.values()) + f"{'notebooks':>11}")
        for phase_id, row in report["matrix"].items():
            cells = "".join(f"{percent(cell['coverage']):>8}" for cell in row.values())
            count = report["summary"]["phase_notebooks"].get(phase_id, 0)
            lines.append(f"  {names[phase_id]:<{NAME_WIDTH}}{cells}{count:>11}")
        return "\n".join(lines)

    def top_risks(self, report: dict) -> str:
        if not report["top_high_risks"]:
            return ""
        lines = ["Most frequent open high risks:"]
        for item in report["top_high_risks"]:
            info = practice_info(report, item["practice"])
            lines.append(f"  {item['practice']:<14} {item['notebooks']:>5} notebook(s)  {info['title']}")
        return "\n".join(lines)

    def notebooks(self, report: dict) -> str:
        if not report["notebooks"]:
            return "No notebook found."
        lines = [f"  {'coverage':>8} {'high':>5} {'medium':>6} {'answered':>9}  notebook  [phases]"]
        for nb in sorted_notebooks(report["notebooks"], self.sort):
            lines.append(
                f"  {percent(nb['coverage']):>8} {nb['open']['high']:>5} {nb['open']['medium']:>6} "
                f"{answered_count(nb):>4}/{applicable_count(nb):<4}  {one_line(nb['path'])}  [{', '.join(nb['phases'])}]"
            )
        order = {"risk": "worst first", "path": "by path", "coverage": "lowest coverage first"}[self.sort]
        return f"Notebooks ({order}):\n" + "\n".join(lines)

    def problems(self, report: dict) -> str:
        lines = []
        for title, items in (("Unreadable", report["unreadable"]), ("Skipped", report["skipped"])):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines += [f"  {one_line(i['path'])}: {one_line(i['reason'])}" for i in items]
        return "\n".join(lines)


def summary_line(report: dict) -> str:
    """The whole audit on one short line, the verdict last: what a CI log shows."""
    summary = report["summary"]
    return (f"mllens audit: {summary['notebooks']} notebooks, coverage {percent(summary['coverage'])}, open risks "
            f"{summary['open_high']} high {summary['open_medium']} medium: {verdict(report)}")
