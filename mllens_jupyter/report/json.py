"""The audit report as JSON: exactly the plain data of `audit.Auditor.run`, one document.

The keys are stable within `report_version` 3 and described, with their meaning, in
`mllens_jupyter/schemas/audit-report.v3.schema.json`. Written one notebook at a time, so that a
report of any size never exists whole as text. In short:

- `report_version`, `tool` {name, version}, `paths` (as given);
- `lens`: id, name, version, `pillars` and `phases` ([{id, name}], lens order), `practices`
  {id: {title, pillar, phase, risk_if_absent, docs_url}};
- `summary`: counts of `workloads`, `notebooks`, `unreadable`, `skipped`, `excluded`, `with_answers`, `applicable`,
  `by_status` {done, partial, todo, not_applicable, unanswered} over applicable practices,
  `open_high`, `open_medium` (counted in practices, once per workload), `coverage` (0..1 or null),
  `phase_notebooks` {phase: notebooks};
- `gate`: `fail_on` (high, medium or null), `failing_notebooks`, `exit_code` (0, 1 or 3);
- `workloads`: one object per review file (then the notebooks under none, `review` null): review, name,
  notebooks, `practices` [{id, phase, pillar, risk, risk_if_absent, status, scope, owner, due, overdue,
  notebooks (a count)}] for the practices that apply to it, `open` {high, medium} counting practices, `overdue`,
  `answers` recorded for the workload (which its notebooks inherit), `milestones` [{name, date, summary}];
- `baseline` (with --baseline): name, `new` and `resolved` practice ids, `changes` in detail;
- `matrix`: {phase: {pillar: {practices, applicable, covered, coverage, open_high, open_medium}}};
- `top_high_risks`: [{practice, notebooks}], most frequent open high risks first;
- `no_answers`: paths of readable notebooks with no recorded answer;
- `notebooks`: one compact object per readable notebook: path, `workload` (its workload's `review`),
  cells, phases, phase_cells, its own `answers`, by_status, `open` {high, medium}, coverage, evidence,
  unknown_answers, metadata_problems. The applicable practices, effective answers and open risks
  follow from the lens, the phases and the answers (`audit.NotebookDetails`), so they are not repeated;
- `unreadable` and `skipped`: [{path, reason}].
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import TextIO

from .base import Report



class Streamed:
    """A JSON array whose items are written one at a time, from any iterable."""

    def __init__(self, items: Iterable) -> None:
        self.items = items


def dumps(value: object, level: int = 0) -> str:
    """`value` as indented JSON, nested `level` deep (as `json.dumps(..., indent=2)` would put it)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * level) if level else text


def _streams(value: object) -> bool:
    if isinstance(value, Streamed):
        return True
    if isinstance(value, dict):
        return any(_streams(v) for v in value.values())
    return isinstance(value, list) and any(_streams(v) for v in value)


def write_json(value: object, stream: TextIO, level: int = 0) -> None:
    """`value` as `dumps` gives it, writing the items of each `Streamed` in it one at a time."""
    if not _streams(value):
        stream.write(dumps(value, level))
    elif isinstance(value, dict):
        _write_items(((json.dumps(k, ensure_ascii=False) + ": ", v) for k, v in value.items()), "{}", stream, level)
    else:
        _write_items((("", v) for v in (value.items if isinstance(value, Streamed) else value)), "[]", stream, level)


def _write_items(items: Iterable[tuple[str, object]], brackets: str, stream: TextIO, level: int) -> None:
    inner, written = "  " * (level + 1), False
    for prefix, item in items:
        stream.write(("," if written else brackets[0]) + "\n" + inner + prefix)
        write_json(item, stream, level + 1)
        written = True
    stream.write("\n" + "  " * level + brackets[1] if written else brackets)


class JsonReport(Report):
    name = "json"
    extension = ".json"
    media_type = "application/json"
    description = "the plain data, keys as in schemas/audit-report.v3.schema.json"

    def render(self, report: dict) -> str:
        out = io.StringIO()
        self.write(report, out)
        return out.getvalue()

    def write(self, report: dict, stream: TextIO) -> None:
        streamed = {key: Streamed(value) if key == "notebooks" else value for key, value in report.items()}
        write_json(streamed, stream)
        stream.write("\n")
