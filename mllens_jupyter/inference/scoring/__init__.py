"""Scoring a code cell: its facts, read in the notebook's scope, become evidence per stage.

`score_cell` runs the passes in order over one `CellContext`: what calls, attributes and imports say
(`calls`), what is shown and compared (`results`), what is done to data (`data`), then the cell weighed
as a whole (`weighing`), and last what the cell leaves for later cells (`results.remember_made`).
Headings and markdown cells are scored in `headings`.

A cell carries the stages its statements serve. Every piece of evidence remembers its statement;
when one stage of a cell has a strong signal, a weaker stage stays only when enough of the cell's
statements serve it (a `print(X.shape)` in a training cell does not make it exploration), and a look
at what the cell itself just made (`df.head()` after building `df`) counts as part of making it.
"""

from __future__ import annotations

from ..facts import CellFacts
from ..scope import MAX_FACTS, Scope
from . import calls, data, results, weighing
from .context import ACTIVITY_STAGES, CellContext
from .scores import Scores

__all__ = ["ACTIVITY_STAGES", "Scores", "score_cell"]

OPENING_IMPORTS = 2


def score_cell(scope: Scope, facts: CellFacts) -> Scores:
    """The evidence per stage of one code cell, read in the notebook's scope; the scope then holds what
    the cell bound and made."""
    scope.cell_facts = facts
    ctx = CellContext(scope, facts)
    mostly_imports = _mostly_imports(scope, facts)
    _facts_to_evidence(ctx, facts, mostly_imports)
    weighing.finish(ctx, facts, mostly_imports)
    results.remember_made(ctx, facts)
    if ctx.bodies:
        scope.define_functions(facts, ctx.body_work)
    return ctx.scores


def _mostly_imports(scope: Scope, facts: CellFacts) -> bool:
    return not facts.parsed or facts.import_lines * 2 > facts.lines or \
        (scope.opening and facts.import_statements >= OPENING_IMPORTS)


def _facts_to_evidence(ctx: CellContext, facts: CellFacts, mostly_imports: bool) -> None:
    """Each sort of fact, in an order that matters: later passes read what earlier ones noted."""
    calls.imports(ctx, facts, mostly_imports)
    for call in facts.calls[:MAX_FACTS]:
        calls.score_call(ctx, call)
    for path, stmt, shown in facts.attributes[:MAX_FACTS]:
        calls.attribute(ctx, path, stmt, shown)
    for path, stmt in facts.stored[:MAX_FACTS]:
        calls.stored(ctx, path, stmt)
    results.compared_values(ctx, facts)
    for path, stmt in facts.displays[:MAX_FACTS]:
        results.display(ctx, path, stmt)
    calls.classes(ctx, facts)
    for name, stmt, _ in facts.defined[:MAX_FACTS]:
        calls.helper(ctx, name, f"defines {name}", stmt)
    data.literals(ctx, facts)
    data.columns(ctx, facts)
    results.tried_values(ctx, facts)
    data.filters(ctx, facts)
    data.targets(ctx, facts)
    results.from_outputs(ctx, facts)
    calls.identifiers(ctx, facts)
    calls.text_rules(ctx, facts)
