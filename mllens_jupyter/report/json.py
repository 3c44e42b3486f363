"""The audit report as JSON: exactly the plain data of `audit.Auditor.run`, one document.

The keys are stable within `report_version` 2 and described, with their meaning, in
`mllens_jupyter/schemas/audit-report.v2.schema.json`. In short:

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
  notebooks}] for the practices that apply to it, `open` {high, medium} counting practices, `overdue`;
- `baseline` (with --baseline): name, `new` and `resolved` practice ids, `changes` in detail;
- `matrix`: {phase: {pillar: {practices, applicable, covered, coverage, open_high, open_medium}}};
- `top_high_risks`: [{practice, notebooks}], most frequent open high risks first;
- `no_answers`: paths of readable notebooks with no recorded answer;
- `notebooks`: one object per readable notebook: path, cells, phases, phase_cells, applicable,
  answers (each with its scope: notebook or workload), by_status, open_risks [{practice, risk, status}], coverage, evidence, unknown_answers,
  metadata_problems;
- `unreadable` and `skipped`: [{path, reason}].
"""

from __future__ import annotations

import json

from .base import Report


class JsonReport(Report):
    name = "json"
    extension = ".json"
    media_type = "application/json"
    description = "the plain data, keys as in schemas/audit-report.v2.schema.json"

    def render(self, report: dict) -> str:
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
