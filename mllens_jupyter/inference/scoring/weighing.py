"""The whole cell weighed once every fact has given its evidence: glances, work borrowed from the
notebook's functions, plots and values shown alone, and stages only incidental beside a strong one."""

from __future__ import annotations

from ..facts import CALL, ITEM, UNKNOWN, CallFact, CellFacts, Path_
from ..reasons import qualname
from ..scope import MAX_FACTS, strip_trailing
from .context import ACTIVITY_STAGES, CHANGES, DATA_KINDS, FITTING, IPYTHON_CALLS, CellContext, names_like
from .data import kept_changes

MUTATORS = frozenset({"append", "extend", "insert", "remove", "update", "add", "pop", "clear", "sort", "discard"})


def finish(ctx: CellContext, facts: CellFacts, mostly_imports: bool) -> None:
    _test_loops(ctx, facts)
    _split_folds(ctx, facts)
    _take_glances(ctx)
    _borrow_work(ctx)
    _plots_alone(ctx, facts)
    _shows_alone(ctx, facts)
    _shaped_for_a_plot(ctx, facts)
    _drop_incidental(ctx)
    if not mostly_imports:
        _setup_aside(ctx)


def _test_loops(ctx: CellContext, facts: CellFacts) -> None:
    """A loop over the test set's batches with no labels (`for images in test_loader`) in a cell
    that evaluates predicts on the test set: output, not evaluation."""
    rule = ctx.weights.test_loops
    if not rule or not facts.loops or "evaluation" not in ctx.scores.by_stage:
        return
    stage, weight, names = rule
    loader = next((root for root, single, _ in facts.loops if single and names_like(names, root)), None)
    if loader is None:
        return
    ctx.scores.move("evaluation", stage)
    ctx.scores.add(stage, weight, f"loops over {loader}")


def _split_folds(ctx: CellContext, facts: CellFacts) -> None:
    """Folds made and used in a cell that fits no model (`for train_idx, valid_idx in kf.split(df)`)
    split the data: the splitter serves the preparation, not a cross-validation."""
    rule = ctx.weights.split_folds
    scores = ctx.scores
    if not rule or "evaluation" not in scores.by_stage or not FITTING.isdisjoint(scores.by_stage):
        return
    stage, weight, names = rule
    splits = [call for call in facts.calls[:MAX_FACTS] if len(call.path) == 2 and names_like(names, call.path[1])
              and ctx.scope.kind_of(call.path[:1]) == "splitter"]
    evaluated = scores.stmts.get("evaluation", set())
    if not splits or not evaluated:
        return
    made = {call.stmt for call in facts.calls[:MAX_FACTS] if ctx.scope.kind_of(call.path) == "splitter"}
    if not evaluated <= made | {call.stmt for call in splits}:
        return
    scores.move("evaluation", stage)
    for call in splits:
        scores.add(stage, weight, f"splits {call.first_arg or 'the data'} into folds", call.stmt)


def _take_glances(ctx: CellContext) -> None:
    """A look at what the cell made counts only when the cell shows nothing else."""
    glances, ctx.scores.glances = ctx.scores.glances, {}
    doing = set(ctx.phase_stages())
    for stage, reasons in glances.items():
        if doing - {stage}:
            continue
        for reason, weight in reasons.items():
            ctx.scores.add(stage, weight, reason)


def _borrow_work(ctx: CellContext) -> None:
    """What the notebook's functions called do counts only in a cell that shows no phase itself,
    and not under a heading that says more strongly that the cell does something else
    (`compare_models(...)`, which queries an endpoint, under 'Model evaluation')."""
    if not ctx.called or ctx.phase_stages() or _heading_outweighs(ctx, ctx.called):
        return
    for stage, reasons in ctx.called.items():
        for reason, weight in reasons.items():
            ctx.scores.add(stage, weight, reason)


def _heading_outweighs(ctx: CellContext, stages: dict[str, dict[str, float]]) -> bool:
    """Whether the heading above gives other phases than `stages` more weight than calls do."""
    weight = ctx.weights.called_functions[0] if ctx.weights.called_functions else 0.0
    heading = {stage: w for stage, w in ctx.scope.heading.items() if stage not in ACTIVITY_STAGES}
    return heading.keys().isdisjoint(stages) and any(w > weight for w in heading.values())


def _plots_alone(ctx: CellContext, facts: CellFacts) -> None:
    """A plot of nothing known, in a cell that shows no phase, looks at data; or evaluates, when
    the cell reads results (`conf_mx`, `history`, `val_preds`) or draws for each of them (`for i
    in mistakes[:9]: plt.imshow(X_val[i])`)."""
    rule = ctx.weights.plots_alone
    if rule and ctx.scores.confidence("visualization") >= ctx.signals.threshold and not ctx.phase_stages():
        read = {root for call in facts.calls[:MAX_FACTS] for root in (call.path[0], *call.arg_roots)}
        read.update(root for root, _, _ in facts.loops[:MAX_FACTS])
        results = sorted(name for name in read if ctx.is_result(name))
        stage, weight = ("evaluation", rule[1]) if results else rule
        reason = f"plots results {', '.join(results[:3])}" if results else "plots data"
        for stmt in ctx.scores.stmts.get("visualization", ()):
            ctx.scores.add(stage, weight, reason, stmt)


def _shows_alone(ctx: CellContext, facts: CellFacts) -> None:
    """A cell that gives no other evidence and shows values (`cat_cols`, `len(files)`,
    `similar_jobs(title)`) looks at data; a value of a known kind (a model) says itself."""
    rule = ctx.weights.shows_alone
    if not rule or ctx.scores.present(ctx.signals.threshold):
        return
    subjects = ctx.signals.subject_calls
    shown = [(qualname(path), stmt) for path, stmt in facts.displays[:MAX_FACTS]
             if ctx.scope.kind_of(path) is None]
    shown += [(_shown_name(call), call.stmt) for call in facts.calls[:MAX_FACTS]
              if call.displayed and call.path[0] not in subjects and call.path[0] not in IPYTHON_CALLS
              and (len(call.path) == 1 or _of_a_module(ctx, call.path) or _of_data(ctx, call.path))
              and not _known_call(ctx, call.path)
              and _given_data(ctx, call)]
    for name, stmt in shown:
        ctx.scores.add(rule[0], rule[1], f"shows {name}", stmt)


def _known_call(ctx: CellContext, path: Path_) -> bool:
    """Whether the tables have a rule for a call, however weak (`gc.collect()` frees memory): what it
    returns is no value shown to look at."""
    return ctx.signals.calls.lookup(ctx.scope.resolve_named(path)[2])[0] is not None


def _given_data(ctx: CellContext, call: CallFact) -> bool:
    """Whether a call is given nothing known to be other than data (a model, a session)."""
    return all(ctx.scope.kind_of((root,)) in DATA_KINDS for root in call.arg_roots)


def _of_data(ctx: CellContext, path: Path_) -> bool:
    """Whether a call is a method of a variable not known to be other than data that returns
    something to see (`labels.sum(axis=0)`, not `names.append(name)`)."""
    receiver = strip_trailing(path[:-1])
    return bool(receiver) and path[-1] not in MUTATORS and \
        ctx.scope.resolve(path)[1] is None and ctx.scope.kind_of(receiver) in DATA_KINDS


def _of_a_module(ctx: CellContext, path: Path_) -> bool:
    """Whether a call is a module's function (`np.unique(y)`), not a method of an object."""
    binding = ctx.scope.resolve(path)[1]
    return binding is not None and binding.module and CALL not in path[:-1] and ITEM not in path


def _shaped_for_a_plot(ctx: CellContext, facts: CellFacts) -> None:
    """In a cell that draws and shows no strong phase signal, data reshaped on the way into new
    variables (filtered, grouped, a column derived) is shaped for the plot: the cell looks at
    data. A change kept in the notebook's data (`df = df[df.x > 0]`, `inplace=True`) stays."""
    rule = ctx.weights.plots_alone
    scores = ctx.scores
    if not rule or scores.strength("visualization") < ctx.weights.strong:
        return
    stages = ctx.phase_stages()
    if any(scores.strength(stage) >= ctx.weights.strong for stage in stages):
        return
    kept = kept_changes(facts, ctx.scope.earlier)
    for stage in [s for s in stages if s in CHANGES]:
        if scores.stmts.get(stage, set()) & kept:
            continue
        scores.move(stage, rule[0])


def _drop_incidental(ctx: CellContext) -> None:
    """Beside a stage with a strong signal, a weaker stage stays only when enough statements
    serve it: at least `secondary_statements`, and `secondary_share` of those showing a stage."""
    stages = ctx.phase_stages()
    strong = [s for s in stages if ctx.scores.strength(s) >= ctx.weights.strong]
    if not strong:
        return
    statements = set().union(*(ctx.scores.stmts.get(s, ()) for s in stages))
    for stage in stages:
        if stage in strong or stage in ctx.scores.intended or _derived_from_prepared(ctx, stage):
            continue
        serving = ctx.scores.stmts.get(stage, set())
        if len(serving) < ctx.weights.secondary_statements or \
                len(serving) < ctx.weights.secondary_share * len(statements):
            ctx.scores.drop(stage)


def _derived_from_prepared(ctx: CellContext, stage: str) -> bool:
    """Whether a new column is derived in the very statement that strongly prepares data: the
    preparation is the means to the feature (`df["month"] = pd.to_datetime(df["date"]).dt.month`)."""
    return stage == "feature_engineering" and bool(ctx.derived & ctx.prepared)


def _setup_aside(ctx: CellContext) -> None:
    """A cell doing phase work is not a setup cell for a line of configuration in it."""
    setup = ctx.scores.by_stage.get("setup")
    if ctx.phase_stages() and setup:
        reason = max(setup, key=setup.get)
        ctx.scores.by_stage["setup"] = {reason: setup[reason] / 2}


def _shown_name(call: CallFact) -> str:
    """What a shown call is named by in a reason: its path, or what a string's method is given."""
    if call.path[0] == UNKNOWN and call.arg_roots:
        return call.arg_roots[0]
    return qualname(call.path)
