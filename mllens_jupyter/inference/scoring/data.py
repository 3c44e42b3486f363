"""Data operations: columns set, frames filtered, variables named for their data, values set, and
what a generic transformation of data serves (changing it, looking at it, or neither)."""

from __future__ import annotations

import re
from collections.abc import Container

from ..facts import CALL, CallFact, CellFacts, Path_
from ..scope import MAX_FACTS, strip_trailing
from ..signals import Rule
from .context import CHANGES, FEATURES, ON_DATA, RESULT_KINDS, CellContext, is_prediction, names_like

WRITES = re.compile(r"(to_(?!frame|numpy|list|dict|string|markdown)|save|dump|write|export|upload|put)")
MONITORING = "metrics"  # the keyword argument of the metrics a training watches (`compile(metrics=[...])`)
COLUMN_VERBS = {"rewrite": "rewrites", "derive": "adds", "constant": "sets", "predictions": "puts predictions in"}


def looked_at(ctx: CellContext, rules: list[Rule], call: CallFact) -> list[Rule]:
    """A generic transformation whose result is only shown (`df.fillna(0).head()`) changes no data:
    it looks at it. One whose result only feeds another call or a computation (a plot of
    `df.astype(int)`) neither changes nor shows data: the call it feeds says what it serves. Done
    to results, it serves their stage even then (`scores_df.iloc[scores_df["acc"].idxmax()]`
    picks the best model)."""
    if not rules:
        return rules
    results = _results_worked_on(ctx, rules, call)
    if results:
        rules = restaged(rules, results)
    if call.used and not call.shown:
        looked = call.stmt in ctx.statements_shown_later()
        return [rule for rule in rules if (looked if rule.stage == "exploration" else
                                           rule.stage not in CHANGES or rule.weight >= ctx.weights.strong)]
    if call.computed:
        return [rule for rule in rules if rule.stage != "exploration"]
    if not results:
        rules = _joins_features(ctx, rules, call)
    if not call.displayed or "inplace" in call.kwargs or WRITES.match(call.path[-1]):
        return rules
    return [Rule("exploration", rule.weight) if rule.stage in CHANGES and rule.weight < ctx.weights.strong
            else rule for rule in rules]


def _results_worked_on(ctx: CellContext, rules: list[Rule], call: CallFact) -> str | None:
    """The stage of the results a call that looks at or reshapes data works on, if it does: a
    table of scores (`scores_df.sort_values(...)`: evaluation) or output made by an earlier cell
    (`preds_df.apply(...)`: deployment), or predictions given to it (`pd.crosstab(y, preds)`:
    evaluation); tables of statistics combined (`pd.concat([missing, percent], axis=1)`) are
    looked at.
    A first look at what the cell itself just made is part of making it."""
    if not any(rule.stage in ON_DATA for rule in rules):
        return None
    receiver = call.path[0] if len(call.path) > 1 else ""
    if receiver and ctx.is_result(receiver) and not ctx.is_glance((receiver,), "", frozenset(), call.stmt):
        return ctx.output_stage(receiver, "evaluation")
    kinds = [ctx.subject_kind(root) for root in call.arg_roots]
    if any(kind in RESULT_KINDS for kind in kinds):
        return "evaluation"
    return "exploration" if "summary" in kinds and all(kind in (None, "summary") for kind in kinds) else None


def _joins_features(ctx: CellContext, rules: list[Rule], call: CallFact) -> list[Rule]:
    """A call that joins a table of engineered features to data engineers features: it prepares
    no data."""
    joined = _joined_features(ctx, call)
    if joined is None:
        return rules
    stage, weight, _ = ctx.weights.joined_features
    ctx.add(stage, weight, f"joins the features in {joined}", call.stmt)
    return [rule for rule in rules if rule.stage not in CHANGES]


def _joined_features(ctx: CellContext, call: CallFact) -> str | None:
    """The table of engineered features (see `results.remember_made`, or what a function named for
    engineering them returns) a call joins to data, if it joins one: then it engineers features,
    it does not prepare data."""
    rule = ctx.weights.joined_features
    if not rule or not names_like(rule[2], call.path[-1]):
        return None
    return next((root for root in (call.path[0], *call.arg_roots)
                 if root in ctx.scope.features or _engineering_function(ctx, root)), None)


def _engineering_function(ctx: CellContext, name: str) -> bool:
    """Whether a name is a function of the notebook named for engineering features
    (`successive_aggregates(transactions, "category_1")`), what it returns engineered features."""
    return name not in ctx.scope.bindings and ctx.scope.helper_serves(name, FEATURES)


def literals(ctx: CellContext, facts: CellFacts) -> None:
    """A cell that only sets values configures the notebook, or the training when the values are
    hyperparameters (`params = {"learning_rate": 0.05, "max_depth": 6}`, `EPOCHS = 30`)."""
    if not facts.literal_only:
        _hyperparameters_set(ctx, facts)
        return
    hyper = ctx.weights.hyperparameters
    if hyper:
        stage, weight, least, known = hyper
        named = {t.lower() for t, *_ in facts.assigns} | {s.lower() for s in facts.strings}
        if len(named & known) >= least:
            ctx.scores.add(stage, weight, f"sets hyperparameters {', '.join(sorted(named & known)[:3])}")
            return
    if ctx.signals.configuration:
        stage, weight = ctx.signals.configuration
        ctx.scores.add(stage, weight, "only sets values")


def _hyperparameters_set(ctx: CellContext, facts: CellFacts) -> None:
    """Values given to hyperparameters beside other code (`LR = 1e-4`, `EPOCHS = [2, 6, 8]`, a
    configuration class's `STEPS_PER_EPOCH = 1000`, or the keys of a dictionary not known as a
    table: `params["epochs"] = "3"`, any key of `hyperparameters`) configure the training."""
    hyper = ctx.weights.hyperparameters
    if not hyper:
        return
    stage, weight, least, known = hyper
    named = {target: stmt for target, value, _, stmt in facts.assigns[:MAX_FACTS]
             if value is None and target.lower() in known}
    named.update((key, stmt) for frame, key, which, stmt, _ in facts.columns[:MAX_FACTS]
                 if which == "constant" and (key.lower() in known or frame[-1].lower() in known)
                 and ctx.scope.kind_of(frame) is None)
    if len({name.lower() for name in named}) >= least:
        reason = f"sets hyperparameters {', '.join(sorted(named)[:3])}"
        for stmt in named.values():
            ctx.add(stage, weight, reason, stmt)


def columns(ctx: CellContext, facts: CellFacts) -> None:
    """Columns assigned; finishing a column the cell itself just added (`df["d"] = ...` then
    `df["d"] += ...`) is still adding it; predictions put in a table, even a new one, make output;
    any column added to a table of results (`scores_df["rank"] = np.arange(8)`) is about them. A
    value set in what is not known as a table (`hyperparameters["epochs"] = 10`, `os.environ[...]`)
    configures, it sets no column."""
    columns = ctx.signals.columns
    tables = _new_tables(ctx, facts)
    added: set[tuple[Path_, str]] = set()
    for frame, key, which, stmt, source in facts.columns[:MAX_FACTS]:
        kind = ctx.scope.kind_of(frame)
        if kind not in (None, "dataframe") or (which == "constant" and kind is None):
            continue
        if which == "set" and source and ctx.subject_kind(source) == "predictions":
            which = "predictions"
        elif frame[0] in tables:
            continue
        elif which == "set" and ctx.is_result(frame[0]):
            which = "derive"
        if which == "derive" or (which == "rewrite" and (frame, key) in added):
            which = "derive"
            added.add((frame, key))
        if which in columns:
            stage, weight = columns[which]
            stage = "evaluation" if stage in ON_DATA and ctx.is_result(frame[0]) else stage
            ctx.add(stage, weight, f"{COLUMN_VERBS.get(which, which)} column {key!r}", stmt)
            if which == "derive" and stage == "feature_engineering":
                ctx.derived.add(stmt)


def filters(ctx: CellContext, facts: CellFacts) -> None:
    rule = ctx.signals.columns.get("filter")
    for name, stmt in facts.filtered[:MAX_FACTS] if rule else ():
        if ctx.scope.kind_of((name,)) in (None, "dataframe"):
            ctx.add(rule[0], rule[1], f"filters {name}", stmt)


def _new_tables(ctx: CellContext, facts: CellFacts) -> set[str]:
    """Tables built from scratch in the cell (`sub = pd.DataFrame()`): filling them is not
    engineering features."""
    tables = set()
    for target, value, _, _ in facts.assigns:
        if value and value[-1] == CALL:
            name = ctx.scope.resolve_named(value)[2]
            if ctx.weights.new_tables.lookup(name)[0] is not None:
                tables.add(target)
    return tables


def targets(ctx: CellContext, facts: CellFacts) -> None:
    """What the names a cell assigns say it makes (`X_train`: data prepared for a model); a metric
    made to be given to the training (`learn = cnn_learner(data, arch, metrics=acc_02)`) sets it up.
    Inside a function the cell defines, `X`, `y`, `y1` are as often coordinates as a model's
    inputs: its local names prepare no data."""
    bodies = [(start, end) for _, start, end in facts.defined[:MAX_FACTS]]
    for target, value, _, stmt in facts.assigns[:MAX_FACTS]:
        rules = ctx.signals.target_rules(target) if value else ()
        if not rules or is_prediction(value) or _is_read(ctx, value) or _returns_predictions(ctx, value):
            continue
        local = any(start < stmt < end for start, end in bodies) or _engineers(ctx, value)
        for rule in rules:
            if not (local and rule.stage in CHANGES):
                ctx.add(_target_stage(rule.stage, target, facts), rule.weight, f"makes {target}", stmt)


def _target_stage(stage: str, target: str, facts: CellFacts) -> str:
    """A metric made to be given to the training (`metrics=acc_02`) serves the training."""
    if stage == "evaluation" and any(MONITORING in call.kwargs and target in call.arg_roots
                                     for call in facts.calls[:MAX_FACTS]):
        return "training"
    return stage


def _returns_predictions(ctx: CellContext, value: Path_) -> bool:
    """Whether a value is what a prediction returns (`preds, y = learn.TTA()`): not data prepared."""
    return value[-1] == CALL and ctx.scope.kind_of(value) == "predictions"


def _is_read(ctx: CellContext, value: Path_) -> bool:
    """Whether a value is read from a file or a store (`X_train = pd.read_csv(...)` collects data,
    it does not prepare it)."""
    return _made_by_a_call_for(ctx, value, "data_collection")


def _made_by_a_call_for(ctx: CellContext, value: Path_, stage: str) -> bool:
    """Whether a value is what a call returns that the `calls` table gives `stage`."""
    if value[-1] != CALL:
        return False
    rules = ctx.signals.calls.lookup(ctx.scope.resolve_named(value)[2])[1]
    return any(rule.stage == stage for rule in rules)


def _engineers(ctx: CellContext, value: Path_) -> bool:
    """Whether a value is what a call that engineers features returns (`X_train = hstack([X_brand,
    X_apps])`, `X = tfidf.fit_transform(texts)`): the features made, not data prepared."""
    if value[-1] != CALL:
        return False
    if len(value) > 2 and ctx.scope.kind_of(strip_trailing(value[:-2])) == "featurizer":
        return True
    return _made_by_a_call_for(ctx, value, "feature_engineering")


def restaged(rules: list[Rule], stage: str) -> list[Rule]:
    """Rules that look at or change data, read as serving `stage` (results looked at evaluate)."""
    return [Rule(stage, rule.weight) if rule.stage in ON_DATA else rule for rule in rules]


def kept_changes(facts: CellFacts, earlier: Container[str]) -> set[int]:
    """The statements that change data the notebook had before the cell: a column of an existing
    frame, an existing frame filtered or rebuilt from itself, an in-place call. A name the cell has
    already bound anew from other data (`temp = df[cols]`, then `temp = temp.fillna(0)`) holds the
    cell's own data from then on."""
    remade = _remade_names(facts)

    def changes_earlier(name: str, stmt: int) -> bool:
        low = name.lower()
        return low in earlier and remade.get(low, stmt) >= stmt

    kept = {stmt for frame, _, _, stmt, _ in facts.columns if changes_earlier(frame[0], stmt)}
    kept.update(stmt for name, stmt in facts.filtered if changes_earlier(name, stmt))
    kept.update(call.stmt for call in facts.calls
                if "inplace" in call.kwargs and changes_earlier(call.path[0], call.stmt))
    kept.update(stmt for target, value, _, stmt in facts.assigns
                if value and value[0] == target and changes_earlier(target, stmt))
    return kept


def _remade_names(facts: CellFacts) -> dict[str, int]:
    """Names the cell binds from something other than themselves, with the first statement that does."""
    remade: dict[str, int] = {}
    for target, value, _, stmt in facts.assigns:
        if not value or value[0] != target:
            remade.setdefault(target.lower(), stmt)
    return remade
