"""A valid signals document compiled into the tables of `tables`."""

from __future__ import annotations

import re

from .screen import Screened
from .tables import PATTERN_FLAGS, CellWeights, NameKinds, Presence, PrefixTable, Rule, Section, Signals


def _rule(spec: dict) -> Rule:
    return Rule(
        stage=spec["stage"],
        weight=float(spec["weight"]),
        args=re.compile(spec["args"], PATTERN_FLAGS) if "args" in spec else None,
        receiver=re.compile(spec["receiver"], PATTERN_FLAGS) if "receiver" in spec else None,
        returns=spec.get("returns"),
        shown=bool(spec.get("shown", False)),
        kind=spec.get("kind"),
        unlabelled=bool(spec.get("unlabelled", False)),
    )


def _prefix_table(rules: list[dict]) -> PrefixTable:
    table = PrefixTable()
    for spec in rules:
        rule = _rule(spec)
        for name in spec["names"]:
            table.add(name, rule)
    return table


def _name_table(names: list[str]) -> PrefixTable:
    table = PrefixTable()
    for name in names:
        table.add(name, True)
    return table


def _keyed(rules: list[dict], lower: bool = False) -> dict[str, list[Rule]]:
    table: dict[str, list[Rule]] = {}
    for spec in rules:
        rule = _rule(spec)
        for name in spec["names"]:
            table.setdefault(name.lower() if lower else name, []).append(rule)
    return table


def _by_kind(rules: list[dict]) -> dict[tuple[str, str], list[Rule]]:
    table: dict[tuple[str, str], list[Rule]] = {}
    for spec in rules:
        rule = _rule(spec)
        for kind in spec["of"]:
            for name in spec["names"]:
                table.setdefault((kind, name), []).append(rule)
    return table


def _patterns(rules: list[dict]) -> list[tuple[Screened, Rule]]:
    return [(Screened(re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), PATTERN_FLAGS), spec["patterns"]),
             _rule(spec))
            for spec in rules]


def _kinds(kinds: dict) -> tuple[PrefixTable, NameKinds, frozenset[str], dict[str, str]]:
    origins = PrefixTable()
    names, accessors = [], {}
    for kind, spec in kinds.items():
        for origin in spec["origins"]:
            origins.add(origin, kind)
        if spec.get("accessor"):
            accessors.update({name: kind for name in spec.get("names", [])})
        else:
            exclude = re.compile(spec["exclude"], re.IGNORECASE) if spec.get("exclude") else None
            if spec.get("names"):
                names.append((kind, spec["names"], exclude))
    keeping = frozenset(kind for kind, spec in kinds.items() if spec.get("keeps"))
    return origins, NameKinds(names), keeping, accessors


def _cell_weights(data: dict) -> CellWeights:
    cells = data.get("cells") or {}
    glances = cells.get("glances") or {}
    hyper = cells.get("hyperparameters")
    hyper_names = frozenset(name.lower() for spec in data.get("arguments") or []
                            if hyper and spec["stage"] == hyper["stage"] for name in spec["names"])
    return CellWeights(
        strong=float(cells.get("strong", 0.75)),
        secondary_statements=int(cells.get("secondary_statements", 2)),
        secondary_share=float(cells.get("secondary_share", 0.34)),
        glance_methods=frozenset(glances.get("methods", [])),
        glance_attributes=frozenset(glances.get("attributes", [])),
        new_tables=_name_table(cells.get("new_tables", [])),
        plots_alone=_stage_rule(cells.get("plots_alone")),
        shows_alone=_stage_rule(cells.get("shows_alone")),
        hyperparameters=(hyper["stage"], float(hyper["weight"]), int(hyper["min_names"]), hyper_names)
        if hyper else None,
        test_loops=_named_rule(cells.get("test_loops")),
        compared_tables=_named_rule(cells.get("compared_tables")),
        compared_values=_stage_rule(cells.get("compared_values")),
        tried_values=_named_rule(cells.get("tried_values")),
        result_tables=_stage_rule(cells.get("result_tables")),
        joined_features=_named_rule(cells.get("joined_features")),
        split_folds=_named_rule(cells.get("split_folds")),
        called_functions=_called_functions(cells.get("called_functions")),
    )


def _stage_rule(spec: dict | None) -> tuple[str, float] | None:
    """A stage and a weight: what a rule of `cells` gives the cells it applies to."""
    return (spec["stage"], float(spec["weight"])) if spec else None


def _called_functions(spec: dict | None) -> tuple[float, frozenset[str]] | None:
    """The weight a call of a notebook's function gives the stages its body shows, and those stages."""
    return (float(spec["weight"]), frozenset(spec["stages"])) if spec else None


def _named_rule(spec: dict | None) -> tuple[str, float, re.Pattern] | None:
    """A stage, a weight and the names (a regex on a whole variable name) a rule of `cells` applies to."""
    return (spec["stage"], float(spec["weight"]), re.compile(spec["names"], PATTERN_FLAGS)) if spec else None


def _sections(data: dict) -> dict[str, Section]:
    return {stage: Section(frozenset(spec.get("over", [])), frozenset(spec.get("always", [])),
                           frozenset(spec.get("weak", [])))
            for stage, spec in (data.get("sections") or {}).items()}


def compile_tables(data: dict, source: str) -> Signals:
    origins, names, keeping, accessors = _kinds(data["kinds"])
    canonical = PrefixTable()
    for key, value in (data.get("canonical") or {}).items():
        canonical.add(key, value, stem=False)
    subjects, displays, plots = data.get("subjects") or {}, data.get("displays") or {}, data.get("plots") or {}
    return Signals(
        source=source,
        stages=tuple(data["stages"]),
        threshold=float(data["threshold"]),
        heading_carry=float(data.get("heading_carry", 0.75)),
        markdown_phase_stages=frozenset(data.get("markdown_phase_stages", [])),
        default_aliases=dict(data.get("default_aliases") or {}),
        canonical=canonical,
        kind_origins=origins,
        kind_names=names,
        keeping_kinds=keeping,
        accessor_kinds=accessors,
        calls=_prefix_table(data["calls"]),
        methods=_by_kind(data["methods"]),
        attributes=_by_kind(data.get("attributes") or []),
        arguments=_keyed(data.get("arguments") or []),
        identifiers=_keyed(data.get("identifiers") or [], lower=True),
        bases=_prefix_table(data.get("bases") or []),
        subject_calls=frozenset(subjects.get("calls", [])),
        subject_weight=float(subjects.get("weight", 0.5)),
        subject_stages=dict(subjects.get("stages", {})),
        plot_weight=float(plots.get("weight", 0.5)),
        plot_stages=dict(plots.get("stages", {})),
        display_weight=float(displays.get("weight", 0.5)),
        display_stages=dict(displays.get("stages", {})),
        display_attributes=dict(displays.get("attributes", {})),
        columns={k: (v["stage"], float(v["weight"])) for k, v in (data.get("columns") or {}).items()},
        shell=_patterns(data.get("shell") or []),
        helpers=_patterns(data.get("helpers") or []),
        targets=[(re.compile("|".join(f"(?:{p})" for p in spec["patterns"])), _rule(spec))
                 for spec in data.get("targets") or []],
        configuration=(data["configuration"]["stage"], float(data["configuration"]["weight"]))
        if data.get("configuration") else None,
        magics=_keyed(data.get("magics") or []),
        files=_patterns(data.get("files") or []),
        keywords=_patterns(data.get("keywords") or []),
        headings=[(p, r, bool(s.get("generic"))) for (p, r), s in
                  zip(_patterns(data["markdown"]["headings"]), data["markdown"]["headings"])],
        text=_patterns(data["markdown"].get("text") or []),
        cells=_cell_weights(data),
        pipelines=_name_table((data.get("pipelines") or {}).get("names", [])),
        pipeline_weight=float((data.get("pipelines") or {}).get("weight", 0.75)),
        pipeline_stages=dict((data.get("pipelines") or {}).get("stages") or {}),
        sections=_sections(data),
        presence=Presence(**(data.get("presence") or {})),
    )
