"""Results and predictions: what a cell shows or plots, predictions set against labels, tables of
results, and the names that hold output, results or engineered features from this cell on."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from ..facts import CALL, MARKERS, CallFact, CellFacts, Path_
from ..reasons import qualname, shown_path
from ..scope import MAX_FACTS
from ..signals import Rule
from .context import RESULT_KINDS, SHOWN_RESULTS, CellContext, is_prediction, names_like

FILLS = frozenset({"append", "extend"})


def compared(ctx: CellContext, call: CallFact) -> None:
    """A table built of predictions beside the labels compares them: it evaluates, or makes output
    when the predictions are the test set's."""
    if len(call.arg_roots) < 2 or not ctx.weights.compared_tables:
        return
    stage, weight, labels = ctx.weights.compared_tables
    predicted, actual = _predictions_and_labels(ctx, call.arg_roots, labels)
    if predicted and actual:
        ctx.add(ctx.output_stage(predicted, stage) or stage, weight, f"compares {predicted} with {actual}",
                  call.stmt)


def compared_values(ctx: CellContext, facts: CellFacts) -> None:
    """Predictions set against the labels in a statement (`(preds == y_val).mean()`, `y_val - preds`)
    work out how right they are: accuracy, errors, confusion counts computed by hand."""
    rule, labels = ctx.weights.compared_values, ctx.weights.compared_tables
    if not facts.compared or not rule or not labels:
        return
    by_statement: dict[int, list[str]] = {}
    for root, stmt in facts.compared[:MAX_FACTS]:
        by_statement.setdefault(stmt, []).append(root)
    served: set[str] | None = None
    for stmt, roots in by_statement.items():
        if len(roots) < 2 or not any(names_like(labels[2], root) for root in roots):
            continue
        predicted, actual = _predictions_and_labels(ctx, roots, labels[2])
        if not predicted and ctx.scope.outputs:
            served = _served(ctx, facts) if served is None else served
            predicted = next((root for root in roots if root != actual and root in served), None)
        if predicted and actual:
            ctx.add(rule[0], rule[1], f"compares {predicted} with {actual}", stmt)


def _served(ctx: CellContext, facts: CellFacts) -> set[str]:
    """Output and what the cell gets from it (`result = service.run(input_data=test)`, what a
    deployed model answered): set against the labels, it is evaluated."""
    outputs = ctx.scope.outputs
    return outputs | {target for target, value, hint, _ in facts.assigns[:MAX_FACTS]
                      if value and value[-1] == CALL and any(p and p[0] in outputs for p in (hint, value))}


def _predictions_and_labels(ctx: CellContext, roots: Sequence[str],
                            labels: re.Pattern) -> tuple[str | None, str | None]:
    """Of names set side by side, the first holding predictions (or what was worked out from them:
    `classes = np.argmax(probs, axis=1)`) and the first other one named for labels (`labels`: a
    pattern on a whole name)."""
    predicted = next((root for root in roots if ctx.subject_kind(root) in RESULT_KINDS), None)
    actual = next((root for root in roots if root != predicted and names_like(labels, root)), None)
    return predicted, actual


def tried_values(ctx: CellContext, facts: CellFacts) -> None:
    """A model made for each value of a loop, given that value (`for C in Cs: LogisticRegression(C=C)`),
    tries hyperparameter values: tuning by hand."""
    rule = ctx.weights.tried_values
    if not rule or not facts.tried:
        return
    for path, keyword, value, stmt in facts.tried[:MAX_FACTS]:
        name = ctx.scope.resolve_named(path)[2]
        if ctx.signals.kind_of_origin(name) == "model" and names_like(rule[2], keyword):
            ctx.add(rule[0], rule[1], f"makes {name} for each value of {value}", stmt)


def tabulated(ctx: CellContext, call: CallFact) -> None:
    """A table built of results (`pd.DataFrame({"model": names, "score": [acc_lr, acc_svc]})`)
    compares them: it evaluates, and holds results from then on."""
    rule = ctx.weights.result_tables
    results = [root for root in dict.fromkeys(call.arg_roots)
               if ctx.subject_kind(root) == "metrics" and not _predicted(ctx, root)]
    if rule and results:
        ctx.add(rule[0], rule[1], f"tabulates {', '.join(results[:3])}", call.stmt)
        ctx.tabulated.add(call.stmt)


def _predicted(ctx: CellContext, name: str) -> bool:
    """Whether a name was bound to what a prediction returns (`scores = model.predict_proba(X)`),
    whatever it is called."""
    binding = ctx.scope.bindings.get(name)
    return binding is not None and not binding.module and is_prediction(binding.path)


def subjects(ctx: CellContext, call: CallFact, name: str, matched: list[Rule]) -> None:
    """The stages of what a call shows or plots, by the kinds of its arguments; data shown or
    plotted beside results, or given to a call that evaluates, is what they are compared with.
    Results shown are reported, whatever function of the notebook shows them (a validation accuracy
    printed inside `def train_network`)."""
    signals = ctx.signals
    if name in signals.subject_calls:
        verb, stages, weight = "shows", signals.subject_stages, signals.subject_weight
    elif any(rule.stage == "visualization" for rule in matched):
        verb, stages, weight = "plots", signals.plot_stages, signals.plot_weight
    else:
        return
    kinds = [(root, ctx.subject_kind(root) or "") for root in dict.fromkeys(call.arg_roots)]
    found = [(root, kind, ctx.output_stage(root, stages.get(kind))) for root, kind in kinds]
    compared = any(rule.stage == "evaluation" for rule in matched) or \
        any(stage == "evaluation" or kind == "model" for _, kind, stage in found)
    for root, kind, stage in found:
        if not stage or (stage == "exploration" and compared):
            continue
        glance = verb == "shows" and stage == "exploration" and \
            ctx.is_glance((root,), "", frozenset(), call.stmt)
        if verb == "shows" and kind in SHOWN_RESULTS:
            ctx.scores.add(stage, weight, f"{verb} {root}", call.stmt)
            ctx.scores.intended.add(stage)
        else:
            ctx.add(stage, weight, f"{verb} {root}", call.stmt, glance)


def from_outputs(ctx: CellContext, facts: CellFacts) -> None:
    """A table or array made of test-set predictions (`preds_df = pd.DataFrame(preds)`,
    `preds = np.rint(preds)`) is output too."""
    rule = ctx.signals.columns.get("predictions")
    for target, value, hint, stmt in facts.assigns[:MAX_FACTS] if rule else ():
        source = next((p[0] for p in (hint, value) if p and p[0] in ctx.scope.outputs), None)
        if source and value and value[-1] == CALL:
            ctx.add(rule[0], rule[1], f"makes {target} from {source}", stmt)


def remember_made(ctx: CellContext, facts: CellFacts) -> None:
    """The names that hold output, results or engineered features from now on: bound by a
    statement that served deployment, that built a table of results, or that engineered features
    into a name new to the notebook (`history = aggregate_transactions(transactions)`)."""
    scope = ctx.scope
    _rebind(scope.outputs, ctx.statements_of("deployment"), facts)
    _outputs_evaluated(ctx, facts)
    _rebind(scope.results, ctx.tabulated, facts)
    _remember_worked_out(ctx, facts)
    rule = ctx.weights.joined_features
    if rule:
        _rebind(scope.features, ctx.statements_of(rule[0]), facts, scope.earlier)


def _outputs_evaluated(ctx: CellContext, facts: CellFacts) -> None:
    """Output set beside other data in a cell that evaluates and makes no output (an endpoint's
    predictions in `pd.crosstab(index=test_data.iloc[:, 0], columns=np.round(predictions))`) had
    labels after all: they are results from then on, not output."""
    outputs = ctx.scope.outputs
    evaluated = ctx.statements_of("evaluation")
    if not outputs or not evaluated or ctx.statements_of("deployment"):
        return
    for call in facts.calls[:MAX_FACTS]:
        if call.stmt in evaluated and len(set(call.arg_roots)) > 1:
            outputs.difference_update(call.arg_roots)


def _remember_worked_out(ctx: CellContext, facts: CellFacts) -> None:
    """What is worked out from a fitted model or its results holds results from then on: a value
    made or filled by a statement that only evaluates and reads a model, its predictions or other
    results (`imp = pd.DataFrame({"importance": model.feature_importances_})`, `costs.append(...)`
    of the cost of the predictions at each cut-off), and a value then made from results
    (`costs = np.array(costs)`, `top = pd.concat([coef.head(10), coef.tail(10)])`)."""
    evaluated = ctx.statements_of("evaluation")
    if not evaluated:
        return
    calls, results = facts.calls[:MAX_FACTS], ctx.scope.results
    made = [(target, value, stmt) for target, value, _, stmt in facts.assigns[:MAX_FACTS]
            if value and (stmt in evaluated or value[-1] == CALL)]
    filled = [(call.path[0], call.stmt) for call in calls
              if call.stmt in evaluated and len(call.path) == 2 and call.path[1] in FILLS]
    if not made and not filled:
        return
    worked = _worked_on_a_model(ctx, facts, evaluated)
    results.update(name for name, stmt in filled if stmt in worked)
    given: dict[tuple[int, Path_], tuple[str, ...]] | None = None
    for target, value, stmt in made:
        if stmt not in worked and (value[-1] != CALL or not results):
            continue
        if stmt not in worked and value[0] not in results:
            if given is None:
                given = {(call.stmt, call.path): call.arg_roots for call in calls}
            if results.isdisjoint(given.get((stmt, value[:-1]), ())):
                continue
        results.add(target)


def _worked_on_a_model(ctx: CellContext, facts: CellFacts, evaluated: set[int]) -> set[int]:
    """The statements that only evaluate and read a model, its predictions or other results."""
    other = [ctx.scores.stmts.get(stage, ()) for stage in ctx.phase_stages() if stage != "evaluation"]
    evaluated = evaluated.difference(*other)
    read: dict[str, set[int]] = {}
    for call in facts.calls[:MAX_FACTS]:
        if call.stmt in evaluated:
            for root in (call.path[0], *call.arg_roots):
                read.setdefault(root, set()).add(call.stmt)
    for path, stmt, _ in facts.attributes[:MAX_FACTS]:
        if stmt in evaluated:
            read.setdefault(path[0], set()).add(stmt)
    worked: set[int] = set()
    for root, statements in read.items():
        if not statements <= worked and _of_a_model(ctx, root):
            worked |= statements
    return worked


def _of_a_model(ctx: CellContext, root: str) -> bool:
    """Whether a name holds a model or what one gave: its predictions, its scores."""
    return ctx.scope.kind_of((root,)) == "model" or ctx.is_result(root)


def display(ctx: CellContext, path: Path_, stmt: int) -> None:
    attribute = path[-1] if len(path) > 1 and path[-1] not in MARKERS else ""
    root_kind = ctx.subject_kind(path[0])
    stage = None if root_kind in RESULT_KINDS else ctx.signals.display_attributes.get(attribute)
    kind = root_kind if len(path) == 1 or root_kind in RESULT_KINDS else ctx.scope.kind_of(path)
    stage = ctx.output_stage(path[0], stage or ctx.signals.display_stages.get(kind or ""))
    if stage == "exploration" and stmt in ctx.scores.stmts.get("evaluation", ()):
        return
    if stage:
        glance = stage == "exploration" and ctx.is_glance(path, attribute, ctx.weights.glance_attributes, stmt)
        reason = f"shows {qualname(path)}"
        ctx.scores.label(reason, shown_path, "shows", path)
        ctx.add(stage, ctx.signals.display_weight, reason, stmt, glance)


def _rebind(names: set[str], statements: set[int], facts: CellFacts, earlier: Container[str] = frozenset()) -> None:
    """Names bound by one of `statements` to what a call returns join `names`, unless `earlier` holds
    them; any other name the cell binds leaves."""
    if not statements and not names:
        return
    for target, value, _, stmt in facts.assigns[:MAX_FACTS]:
        if stmt in statements and value and value[-1] == CALL and target.lower() not in earlier:
            names.add(target)
        else:
            names.discard(target)
