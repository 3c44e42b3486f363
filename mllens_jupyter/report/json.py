"""The audit report as JSON: exactly the plain data of `audit.Auditor.run`, one document.

The keys are stable within `report_version` 1 and described, with their meaning, in
`mllens_jupyter/schemas/audit-report.v1.schema.json`. In short:

- `report_version`, `tool` {name, version}, `paths` (as given);
- `lens`: id, name, version, `pillars` and `phases` ([{id, name}], lens order), `practices`
  {id: {title, pillar, phase, risk_if_absent, docs_url}};
- `summary`: counts of `notebooks`, `unreadable`, `skipped`, `excluded`, `with_answers`, `applicable`,
  `by_status` {done, partial, todo, not_applicable, unanswered} over applicable practices,
  `open_high`, `open_medium`, `coverage` (0..1 or null), `phase_notebooks` {phase: notebooks};
- `gate`: `fail_on` (high, medium or null), `failing_notebooks`, `exit_code` (0, 1 or 3);
- `matrix`: {phase: {pillar: {practices, applicable, covered, coverage, open_high, open_medium}}};
- `top_high_risks`: [{practice, notebooks}], most frequent open high risks first;
- `no_answers`: paths of readable notebooks with no recorded answer;
- `notebooks`: one object per readable notebook: path, cells, phases, phase_cells, applicable,
  answers, by_status, open_risks [{practice, risk, status}], coverage, evidence, unknown_answers,
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
    description = "the plain data, keys as in schemas/audit-report.v1.schema.json"

    def render(self, report: dict) -> str:
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
