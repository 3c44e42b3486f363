"""Every problem of a signals file, with its file, line and field: the schema, then the rules' consistency."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

from ...errors import SourceProblem
from ...lens_source import SourceDocument
from ...paths import lens_data_dir
from ...validation import iter_schema_errors
from .tables import ANY_KIND, PATTERN_FLAGS


SCHEMA_FILE = "signals.v1.schema.json"


@lru_cache(maxsize=1)
def signals_schema() -> dict:
    return json.loads((lens_data_dir() / "schema" / SCHEMA_FILE).read_text(encoding="utf-8"))


def _field(path: tuple) -> str:
    if not path:
        return "(document)"
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def _problem(doc: SourceDocument, path: tuple, message: str) -> SourceProblem:
    return SourceProblem(doc.file, doc.line_of(path), _field(path), message)


def schema_problems(doc: SourceDocument) -> Iterator[SourceProblem]:
    for path, message in iter_schema_errors(doc.data, signals_schema()):
        yield _problem(doc, path, message)


def _rule_lists(data: dict) -> Iterator[tuple[tuple, dict]]:
    """(path, rule) for every rule of every table."""
    for table in ("calls", "methods", "attributes", "arguments", "identifiers", "bases", "targets", "shell",
                  "helpers", "magics", "files", "keywords"):
        for index, rule in enumerate(data.get(table) or []):
            yield (table, index), rule
    for table in ("headings", "text"):
        for index, rule in enumerate(data["markdown"].get(table) or []):
            yield ("markdown", table, index), rule
    for name, rule in (data.get("columns") or {}).items():
        yield ("columns", name), rule
    if data.get("configuration"):
        yield ("configuration",), data["configuration"]
    cells = data.get("cells") or {}
    for key in ("plots_alone", "shows_alone", "hyperparameters", "test_loops", "compared_tables", "compared_values",
                "tried_values", "result_tables", "joined_features", "split_folds"):
        if cells.get(key):
            yield ("cells", key), cells[key]


def consistency_problems(doc: SourceDocument) -> Iterator[SourceProblem]:
    """What the schema cannot see: unknown stages and kinds, regular expressions that do not compile."""
    data = doc.data
    stages, kinds = set(data["stages"]), set(data["kinds"]) | {ANY_KIND}
    for path, rule in _rule_lists(data):
        yield from _rule_problems(doc, path, rule, stages, kinds)
    for path, stage in _stage_references(data):
        if stage not in stages:
            yield _problem(doc, path, f"unknown stage {stage!r}")
    for path, kind, stage in _kind_stage_tables(data):
        if kind not in kinds or stage not in stages:
            yield _problem(doc, path, f"unknown kind or stage {kind!r}: {stage!r}")
    for path, pattern in _table_patterns(data):
        yield from _regex_problem(doc, path, pattern)


def _rule_problems(doc: SourceDocument, path: tuple, rule: dict, stages: set[str],
                   kinds: set[str]) -> Iterator[SourceProblem]:
    if rule["stage"] not in stages:
        yield _problem(doc, (*path, "stage"), f"unknown stage {rule['stage']!r}")
    for kind in [*rule.get("of", []), *[rule[k] for k in ("returns", "kind") if k in rule]]:
        if kind not in kinds:
            yield _problem(doc, path, f"unknown kind {kind!r}")
    for index, pattern in enumerate(rule.get("patterns", [])):
        yield from _regex_problem(doc, (*path, "patterns", index), pattern)
    for key in ("args", "receiver"):
        if key in rule:
            yield from _regex_problem(doc, (*path, key), rule[key])


def _stage_references(data: dict) -> Iterator[tuple[tuple, str]]:
    """(path, stage) for every stage the tables name outside their rules."""
    called = (data.get("cells") or {}).get("called_functions") or {}
    for index, stage in enumerate(called.get("stages", [])):
        yield ("cells", "called_functions", "stages", index), stage
    for name, stage in ((data.get("displays") or {}).get("attributes") or {}).items():
        yield ("displays", "attributes", name), stage
    for stage in data.get("markdown_phase_stages", []):
        yield ("markdown_phase_stages",), stage
    for stage, section in (data.get("sections") or {}).items():
        for name in [stage, *section.get("over", []), *section.get("always", []), *section.get("weak", [])]:
            yield ("sections", stage), name


def _kind_stage_tables(data: dict) -> Iterator[tuple[tuple, str, str]]:
    """(path, kind, stage) for every table that gives the objects of a kind a stage."""
    for table in ("subjects", "plots", "displays", "pipelines"):
        for kind, stage in ((data.get(table) or {}).get("stages") or {}).items():
            yield (table, "stages", kind), kind, stage


def _table_patterns(data: dict) -> Iterator[tuple[tuple, str]]:
    """(path, regular expression) for the patterns of `cells` and of `kinds`."""
    for key in ("test_loops", "compared_tables", "tried_values", "joined_features", "split_folds"):
        named = (data.get("cells") or {}).get(key)
        if named:
            yield ("cells", key, "names"), named["names"]
    for kind, spec in data["kinds"].items():
        for index, pattern in enumerate(spec.get("names", [])):
            yield ("kinds", kind, "names", index), pattern
        if "exclude" in spec:
            yield ("kinds", kind, "exclude"), spec["exclude"]


def _regex_problem(doc: SourceDocument, path: tuple, pattern: str) -> Iterator[SourceProblem]:
    """A pattern is used inside a group of alternatives: global flags (`(?i)`) must be scoped (`(?i:...)`)."""
    try:
        re.compile(f"(?:{pattern})", PATTERN_FLAGS)
    except re.error as err:
        yield _problem(doc, path, f"invalid regular expression {pattern!r}: {err}")
