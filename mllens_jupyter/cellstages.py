"""Stages of code cells from their facts: names resolved in the notebook's `Scope`, then matched to signals.

A cell carries the stages its statements serve. Every piece of evidence remembers its statement;
when one stage of a cell has a strong signal, a weaker stage stays only when enough of the cell's
statements serve it (a `print(X.shape)` in a training cell does not make it exploration), and a look
at what the cell itself just made (`df.head()` after building `df`) counts as part of making it.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import partial

from .cellcode import CALL, ITEM, MARKERS, UNKNOWN, CallFact, CellFacts, Path_
from .scope import MAX_FACTS, NO_FACTS, Binding, Scope, qualname, short, shown_path, strip_trailing
from .signals import ANY_KIND, Rule, remember

MAX_REASONS = 6
IMPORT_WEIGHT = 0.9
OPENING_IMPORTS = 2
ACTIVITY_STAGES = frozenset({"setup", "visualization"})
_CHANGES = frozenset({"data_preprocessing", "feature_engineering"})
_WRITES = re.compile(r"(to_(?!frame|numpy|list|dict|string|markdown)|save|dump|write|export|upload|put)")
_RESULT_KINDS = frozenset({"metrics", "predictions"})
_SHOWN_RESULTS = _RESULT_KINDS | {"history"}
_NAMED_TABLES = _RESULT_KINDS | {"submission"}
_ON_DATA = _CHANGES | {"exploration"}
_DATA_KINDS = frozenset({None, "dataframe", "summary"})
_FITTING = frozenset({"training", "tuning"})
_FEATURES = frozenset({"feature_engineering"})
_FILLS = frozenset({"append", "extend"})
_MUTATORS = frozenset({"append", "extend", "insert", "remove", "update", "add", "pop", "clear", "sort", "discard"})
_MONITORING = "metrics"  # the keyword argument of the metrics a training watches (`compile(metrics=[...])`)
_COLUMN_VERBS = {"rewrite": "rewrites", "derive": "adds", "constant": "sets", "predictions": "puts predictions in"}
CELL_WIDE = -1
_IPYTHON_CALLS = frozenset({"get_ipython"})
BUILTINS = frozenset(dir(builtins)) | {"display"} | _IPYTHON_CALLS


@dataclass(slots=True)
class Scores:
    """Evidence per stage: reason -> weight (the strongest weight of each distinct reason), the
    statements each stage's evidence comes from, glances kept aside (see CellScorer), the stages a
    statement is plainly for (never incidental), and how a reason is shown where that is not its
    text (a call is evidence once by the API it calls, however many variables it is called on;
    it is shown as the cell first writes it)."""

    by_stage: dict[str, dict[str, float]] = field(default_factory=dict)
    stmts: dict[str, set[int]] = field(default_factory=dict)
    glances: dict[str, dict[str, float]] = field(default_factory=dict)
    installs_only: bool = False
    intended: set[str] = field(default_factory=set)
    labels: dict[str, Callable[[], str]] = field(default_factory=dict)

    def add(self, stage: str, weight: float, reason: str, stmt: int = CELL_WIDE, glance: bool = False) -> None:
        reasons = (self.glances if glance else self.by_stage).setdefault(stage, {})
        if weight > reasons.get(reason, 0.0):
            reasons[reason] = weight
        if not glance:
            statements = self.stmts.setdefault(stage, set())
            if stmt != CELL_WIDE:
                statements.add(stmt)

    def confidence(self, stage: str) -> float:
        remaining = 1.0
        for weight in self.by_stage.get(stage, {}).values():
            remaining *= 1.0 - weight
        return 1.0 - remaining

    def strength(self, stage: str) -> float:
        """The weight of the strongest single piece of evidence for a stage."""
        return max(self.by_stage.get(stage, {}).values(), default=0.0)

    def reasons(self, stage: str) -> list[str]:
        ranked = sorted(self.by_stage.get(stage, {}).items(), key=lambda item: -item[1])
        return [self.shown(reason) for reason, _ in ranked[:MAX_REASONS]]

    def shown(self, reason: str) -> str:
        """How a reason reads (its label is written only when it is shown)."""
        label = self.labels.get(reason)
        return reason if label is None else label()

    def label(self, reason: str, render: Callable[..., str], *args: object) -> None:
        """How a reason reads, if it has no label yet: `render(*args)`, called when it is shown."""
        if reason not in self.labels:
            self.labels[reason] = partial(render, *args)

    def drop(self, stage: str) -> None:
        self.intended.discard(stage)
        self.by_stage.pop(stage, None)
        self.stmts.pop(stage, None)

    def present(self, threshold: float) -> list[str]:
        return [stage for stage in self.by_stage if self.confidence(stage) >= threshold]

    def move(self, stage: str, to: str) -> None:
        """Read a stage's evidence as another stage's: its reasons and statements go to `to`."""
        for reason, weight in self.by_stage.get(stage, {}).items():
            self.add(to, weight, reason)
        self.stmts.setdefault(to, set()).update(self.stmts.get(stage, ()))
        self.drop(stage)



_NAMES_LIKE: dict[tuple[re.Pattern, str], bool] = {}


def _names_like(pattern: re.Pattern, name: str) -> bool:
    """Whether a variable's name is one a rule of `cells` names (`test_loader`, `y_val`), memoised."""
    found = _NAMES_LIKE.get((pattern, name))
    if found is None:
        found = bool(pattern.fullmatch(name))
        remember(_NAMES_LIKE, (pattern, name), found)
    return found

class CellScorer:
    """Scores one code cell's facts against the signal tables within a notebook's scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.signals = scope.signals
        self.weights = scope.signals.cells
        self.scores = Scores()
        self.facts = NO_FACTS
        self.names: list[str] = []
        self.made: dict[str, int] = {}
        self.purposes: list[tuple[int, int, frozenset[str]]] = []
        self.bodies: list[tuple[str, int, int]] = []
        self.body_work: dict[str, dict[str, tuple[float, str]]] = {}
        self.called: dict[str, dict[str, float]] = {}
        self.derived: set[int] = set()
        self.prepared: set[int] = set()
        self.tabulated: set[int] = set()
        self._still_output: set[str] | None = None
        self._shown_later: set[int] | None = None

    def score(self, facts: CellFacts) -> Scores:
        mostly_imports = not facts.parsed or facts.import_lines * 2 > facts.lines or \
            (self.scope.opening and facts.import_statements >= OPENING_IMPORTS)
        self.scores.installs_only = facts.import_statements == facts.statements and not facts.calls
        self.made = _made_names(facts)
        self.facts = facts
        self.purposes = self._purposes(facts)
        self.bodies = facts.defined[:MAX_FACTS]
        self.scope.cell_facts = facts
        self._imports(facts, mostly_imports)
        for call in facts.calls[:MAX_FACTS]:
            self._call(call)
        for path, stmt, shown in facts.attributes[:MAX_FACTS]:
            self._attribute(path, stmt, shown)
        for path, stmt in facts.stored[:MAX_FACTS]:
            self._stored(path, stmt)
        self._compared_values(facts)
        for path, stmt in facts.displays[:MAX_FACTS]:
            self._display(path, stmt)
        self._classes(facts)
        for name, stmt, _ in facts.defined[:MAX_FACTS]:
            self._helper(name, f"defines {name}", stmt)
        self._literals(facts)
        self._columns(facts)
        self._tried_values(facts)
        self._filters(facts)
        self._targets(facts)
        self._from_outputs(facts)
        self._names(facts)
        self._text_rules(facts)
        self._finish(facts, mostly_imports)
        self._remember_made(facts)
        if self.bodies:
            self.scope.define_functions(facts, self.body_work)
        return self.scores

    def _imports(self, facts: CellFacts, mostly_imports: bool) -> None:
        """Imports set up a cell that is mostly imports; beside other code, all of them together weigh as
        one import, too little to make a setup cell of code no table knows."""
        if not facts.imports and not facts.star_imports:
            return
        imported = [(qualified, stmt) for _, qualified, stmt in facts.imports[:MAX_FACTS]]
        imported += [(f"{module}.*", stmt) for module, stmt in facts.star_imports[:MAX_FACTS]]
        if mostly_imports:
            for module, stmt in imported:
                self.scores.add("setup", IMPORT_WEIGHT, f"imports {module}", stmt)
            return
        modules = [module for module, _ in imported]
        reason = f"imports {', '.join(modules[:3])}{', …' if len(modules) > 3 else ''}"
        for _, stmt in imported:
            self.scores.add("setup", IMPORT_WEIGHT / 2, reason, stmt)

    # --- weighing the evidence of the whole cell -------------------------------------------------

    def _finish(self, facts: CellFacts, mostly_imports: bool) -> None:
        self._test_loops(facts)
        self._split_folds(facts)
        self._take_glances()
        self._borrow_work()
        self._plots_alone(facts)
        self._shows_alone(facts)
        self._shaped_for_a_plot(facts)
        self._drop_incidental()
        if not mostly_imports:
            self._setup_aside()

    def _phase_stages(self) -> list[str]:
        return [s for s in self.scores.present(self.signals.threshold) if s not in ACTIVITY_STAGES]

    def _test_loops(self, facts: CellFacts) -> None:
        """A loop over the test set's batches with no labels (`for images in test_loader`) in a cell
        that evaluates predicts on the test set: output, not evaluation."""
        rule = self.weights.test_loops
        if not rule or not facts.loops or "evaluation" not in self.scores.by_stage:
            return
        stage, weight, names = rule
        loader = next((root for root, single, _ in facts.loops if single and _names_like(names, root)), None)
        if loader is None:
            return
        self.scores.move("evaluation", stage)
        self.scores.add(stage, weight, f"loops over {loader}")

    def _split_folds(self, facts: CellFacts) -> None:
        """Folds made and used in a cell that fits no model (`for train_idx, valid_idx in kf.split(df)`)
        split the data: the splitter serves the preparation, not a cross-validation."""
        rule = self.weights.split_folds
        scores = self.scores
        if not rule or "evaluation" not in scores.by_stage or not _FITTING.isdisjoint(scores.by_stage):
            return
        stage, weight, names = rule
        splits = [call for call in facts.calls[:MAX_FACTS] if len(call.path) == 2 and _names_like(names, call.path[1])
                  and self.scope.kind_of(call.path[:1]) == "splitter"]
        evaluated = scores.stmts.get("evaluation", set())
        if not splits or not evaluated:
            return
        made = {call.stmt for call in facts.calls[:MAX_FACTS] if self.scope.kind_of(call.path) == "splitter"}
        if not evaluated <= made | {call.stmt for call in splits}:
            return
        scores.move("evaluation", stage)
        for call in splits:
            scores.add(stage, weight, f"splits {call.first_arg or 'the data'} into folds", call.stmt)

    def _take_glances(self) -> None:
        """A look at what the cell made counts only when the cell shows nothing else."""
        glances, self.scores.glances = self.scores.glances, {}
        doing = set(self._phase_stages())
        for stage, reasons in glances.items():
            if doing - {stage}:
                continue
            for reason, weight in reasons.items():
                self.scores.add(stage, weight, reason)

    def _borrow_work(self) -> None:
        """What the notebook's functions called do counts only in a cell that shows no phase itself,
        and not under a heading that says more strongly that the cell does something else
        (`compare_models(...)`, which queries an endpoint, under 'Model evaluation')."""
        if not self.called or self._phase_stages() or self._heading_outweighs(self.called):
            return
        for stage, reasons in self.called.items():
            for reason, weight in reasons.items():
                self.scores.add(stage, weight, reason)

    def _heading_outweighs(self, stages: dict[str, dict[str, float]]) -> bool:
        """Whether the heading above gives other phases than `stages` more weight than calls do."""
        weight = self.weights.called_functions[0] if self.weights.called_functions else 0.0
        heading = {stage: w for stage, w in self.scope.heading.items() if stage not in ACTIVITY_STAGES}
        return heading.keys().isdisjoint(stages) and any(w > weight for w in heading.values())

    def _plots_alone(self, facts: CellFacts) -> None:
        """A plot of nothing known, in a cell that shows no phase, looks at data; or evaluates, when
        the cell reads results (`conf_mx`, `history`, `val_preds`) or draws for each of them (`for i
        in mistakes[:9]: plt.imshow(X_val[i])`)."""
        rule = self.weights.plots_alone
        if rule and self.scores.confidence("visualization") >= self.signals.threshold and not self._phase_stages():
            read = {root for call in facts.calls[:MAX_FACTS] for root in (call.path[0], *call.arg_roots)}
            read.update(root for root, _, _ in facts.loops[:MAX_FACTS])
            results = sorted(name for name in read if self._is_result(name))
            stage, weight = ("evaluation", rule[1]) if results else rule
            reason = f"plots results {', '.join(results[:3])}" if results else "plots data"
            for stmt in self.scores.stmts.get("visualization", ()):
                self.scores.add(stage, weight, reason, stmt)

    def _shows_alone(self, facts: CellFacts) -> None:
        """A cell that gives no other evidence and shows values (`cat_cols`, `len(files)`,
        `similar_jobs(title)`) looks at data; a value of a known kind (a model) says itself."""
        rule = self.weights.shows_alone
        if not rule or self.scores.present(self.signals.threshold):
            return
        subjects = self.signals.subject_calls
        shown = [(qualname(path), stmt) for path, stmt in facts.displays[:MAX_FACTS]
                 if self.scope.kind_of(path) is None]
        shown += [(_shown_name(call), call.stmt) for call in facts.calls[:MAX_FACTS]
                  if call.displayed and call.path[0] not in subjects and call.path[0] not in _IPYTHON_CALLS
                  and (len(call.path) == 1 or self._of_a_module(call.path) or self._of_data(call.path))
                  and not self._known_call(call.path)
                  and self._given_data(call)]
        for name, stmt in shown:
            self.scores.add(rule[0], rule[1], f"shows {name}", stmt)

    def _known_call(self, path: Path_) -> bool:
        """Whether the tables have a rule for a call, however weak (`gc.collect()` frees memory): what it
        returns is no value shown to look at."""
        return self.signals.calls.lookup(self.scope.resolve_named(path)[2])[0] is not None

    def _given_data(self, call: CallFact) -> bool:
        """Whether a call is given nothing known to be other than data (a model, a session)."""
        return all(self.scope.kind_of((root,)) in _DATA_KINDS for root in call.arg_roots)

    def _of_data(self, path: Path_) -> bool:
        """Whether a call is a method of a variable not known to be other than data that returns
        something to see (`labels.sum(axis=0)`, not `names.append(name)`)."""
        receiver = strip_trailing(path[:-1])
        return bool(receiver) and path[-1] not in _MUTATORS and \
            self.scope.resolve(path)[1] is None and self.scope.kind_of(receiver) in _DATA_KINDS

    def _of_a_module(self, path: Path_) -> bool:
        """Whether a call is a module's function (`np.unique(y)`), not a method of an object."""
        binding = self.scope.resolve(path)[1]
        return binding is not None and binding.module and CALL not in path[:-1] and ITEM not in path

    def _shaped_for_a_plot(self, facts: CellFacts) -> None:
        """In a cell that draws and shows no strong phase signal, data reshaped on the way into new
        variables (filtered, grouped, a column derived) is shaped for the plot: the cell looks at
        data. A change kept in the notebook's data (`df = df[df.x > 0]`, `inplace=True`) stays."""
        rule = self.weights.plots_alone
        scores = self.scores
        if not rule or scores.strength("visualization") < self.weights.strong:
            return
        stages = self._phase_stages()
        if any(scores.strength(stage) >= self.weights.strong for stage in stages):
            return
        kept = _kept_changes(facts, self.scope.earlier)
        for stage in [s for s in stages if s in _CHANGES]:
            if scores.stmts.get(stage, set()) & kept:
                continue
            scores.move(stage, rule[0])

    def _drop_incidental(self) -> None:
        """Beside a stage with a strong signal, a weaker stage stays only when enough statements
        serve it: at least `secondary_statements`, and `secondary_share` of those showing a stage."""
        stages = self._phase_stages()
        strong = [s for s in stages if self.scores.strength(s) >= self.weights.strong]
        if not strong:
            return
        statements = set().union(*(self.scores.stmts.get(s, ()) for s in stages))
        for stage in stages:
            if stage in strong or stage in self.scores.intended or self._derived_from_prepared(stage):
                continue
            serving = self.scores.stmts.get(stage, set())
            if len(serving) < self.weights.secondary_statements or \
                    len(serving) < self.weights.secondary_share * len(statements):
                self.scores.drop(stage)

    def _derived_from_prepared(self, stage: str) -> bool:
        """Whether a new column is derived in the very statement that strongly prepares data: the
        preparation is the means to the feature (`df["month"] = pd.to_datetime(df["date"]).dt.month`)."""
        return stage == "feature_engineering" and bool(self.derived & self.prepared)

    def _setup_aside(self) -> None:
        """A cell doing phase work is not a setup cell for a line of configuration in it."""
        setup = self.scores.by_stage.get("setup")
        if self._phase_stages() and setup:
            reason = max(setup, key=setup.get)
            self.scores.by_stage["setup"] = {reason: setup[reason] / 2}

    # --- facts to evidence ------------------------------------------------------------------------

    def _purposes(self, facts: CellFacts) -> list[tuple[int, int, frozenset[str]]]:
        """The statements of each function the cell defines whose name says what it does."""
        found = []
        for name, start, end in facts.defined[:MAX_FACTS]:
            stages = frozenset(rule.stage for rule in self.signals.helper_rules(name))
            if stages:
                found.append((start, end, stages))
        return found

    def _add(self, stage: str, weight: float, reason: str, stmt: int = CELL_WIDE, glance: bool = False) -> None:
        """Evidence for a stage; inside a function whose name says what it does (`def
        missing_values_table`), weak evidence of other stages is the means, not the purpose."""
        if stmt != CELL_WIDE and weight < self.weights.strong:
            for start, end, stages in self.purposes:
                if start <= stmt < end and stage not in stages and stage not in ACTIVITY_STAGES:
                    return
        if weight >= self.weights.strong and not glance:
            if stage == "data_preprocessing":
                self.prepared.add(stmt)
            if self.bodies and stmt != CELL_WIDE:
                self._body_work(stage, weight, self.scores.shown(reason), stmt)
        self.scores.add(stage, weight, reason, stmt, glance)

    def _body_work(self, stage: str, weight: float, reason: str, stmt: int) -> None:
        """Strong evidence inside a function the cell defines says what calling that function does (for
        the stages of `called_functions`: a model fitted, scored, served; data read or changed inside a
        function is as often the means to its end)."""
        rule = self.weights.called_functions
        if not rule or stage not in rule[1]:
            return
        for name, start, end in self.bodies:
            if start < stmt < end:
                work = self.body_work.setdefault(name, {})
                if weight > work.get(stage, (0.0, ""))[0]:
                    work[stage] = (weight, reason)

    def _add_rules(self, rules: list[Rule] | tuple, reason: str, stmt: int = CELL_WIDE, scale: float = 1.0,
                   glance: bool = False) -> bool:
        for rule in rules:
            self._add(rule.stage, rule.weight * scale, reason, stmt, glance and rule.stage == "exploration")
        return bool(rules)

    def _is_glance(self, path: Path_, name: str, names: frozenset[str], stmt: int) -> bool:
        """Whether `path` looks at something this cell made before: `df.head()`, `X.shape` after
        building them."""
        made = self.made.get(path[0])
        return made is not None and made < stmt and (name in names or not name)

    def _call(self, call: CallFact) -> None:
        raw = call.path
        if raw[0] == UNKNOWN and len(raw) < 2:
            return
        resolved, binding, name = self.scope.resolve_named(raw)
        self.names.append(name)
        is_method = len(raw) > 1 and (binding is None or not binding.module or CALL in raw or ITEM in raw)
        if is_method:
            matched = self._method(call, raw, resolved, binding, name)
        else:
            matched = self._qualified(call, name)
            if not matched and binding is None and len(raw) == 1 and raw[0] not in BUILTINS:
                matched = self._helper(raw[0], f"calls {raw[0]}", call.stmt)
                if self.weights.called_functions:
                    self._function_work(raw[0], call.stmt)
                if not call.used:
                    self.scores.intended.update(rule.stage for rule in matched)
        if matched or name in self.signals.subject_calls:
            self._subjects(call, name, matched)
        for kwarg in dict.fromkeys(call.kwargs):
            self._add_rules(self.signals.arguments.get(kwarg, ()), f"passes {kwarg}=", call.stmt)

    def _qualified(self, call: CallFact, name: str) -> list[Rule]:
        if call.last_step is not None and self.signals.pipelines.lookup(name)[0] is not None:
            return self._pipeline(call, name)
        key, rules = self.signals.calls.lookup(name)
        rules = _with_args(rules, call.first_arg)
        self._add_rules(self._looked_at(rules, call), f"calls {name}", call.stmt)
        if call.arg_roots and self.weights.new_tables.lookup(name)[0] is not None:
            self._compared(call)
            self._tabulated(call)
        return rules

    def _compared(self, call: CallFact) -> None:
        """A table built of predictions beside the labels compares them: it evaluates, or makes output
        when the predictions are the test set's."""
        if len(call.arg_roots) < 2 or not self.weights.compared_tables:
            return
        stage, weight, labels = self.weights.compared_tables
        predicted, actual = self._predictions_and_labels(call.arg_roots, labels)
        if predicted and actual:
            self._add(self._output_stage(predicted, stage) or stage, weight, f"compares {predicted} with {actual}",
                      call.stmt)

    def _compared_values(self, facts: CellFacts) -> None:
        """Predictions set against the labels in a statement (`(preds == y_val).mean()`, `y_val - preds`)
        work out how right they are: accuracy, errors, confusion counts computed by hand."""
        rule, labels = self.weights.compared_values, self.weights.compared_tables
        if not facts.compared or not rule or not labels:
            return
        by_statement: dict[int, list[str]] = {}
        for root, stmt in facts.compared[:MAX_FACTS]:
            by_statement.setdefault(stmt, []).append(root)
        served: set[str] | None = None
        for stmt, roots in by_statement.items():
            if len(roots) < 2 or not any(_names_like(labels[2], root) for root in roots):
                continue
            predicted, actual = self._predictions_and_labels(roots, labels[2])
            if not predicted and self.scope.outputs:
                served = self._served(facts) if served is None else served
                predicted = next((root for root in roots if root != actual and root in served), None)
            if predicted and actual:
                self._add(rule[0], rule[1], f"compares {predicted} with {actual}", stmt)

    def _served(self, facts: CellFacts) -> set[str]:
        """Output and what the cell gets from it (`result = service.run(input_data=test)`, what a
        deployed model answered): set against the labels, it is evaluated."""
        outputs = self.scope.outputs
        return outputs | {target for target, value, hint, _ in facts.assigns[:MAX_FACTS]
                          if value and value[-1] == CALL and any(p and p[0] in outputs for p in (hint, value))}

    def _predictions_and_labels(self, roots: Sequence[str], labels: re.Pattern) -> tuple[str | None, str | None]:
        """Of names set side by side, the first holding predictions (or what was worked out from them:
        `classes = np.argmax(probs, axis=1)`) and the first other one named for labels (`labels`: a
        pattern on a whole name)."""
        predicted = next((root for root in roots if self._subject_kind(root) in _RESULT_KINDS), None)
        actual = next((root for root in roots if root != predicted and _names_like(labels, root)), None)
        return predicted, actual

    def _tried_values(self, facts: CellFacts) -> None:
        """A model made for each value of a loop, given that value (`for C in Cs: LogisticRegression(C=C)`),
        tries hyperparameter values: tuning by hand."""
        rule = self.weights.tried_values
        if not rule or not facts.tried:
            return
        for path, keyword, value, stmt in facts.tried[:MAX_FACTS]:
            name = self.scope.resolve_named(path)[2]
            if self.signals.kind_of_origin(name) == "model" and _names_like(rule[2], keyword):
                self._add(rule[0], rule[1], f"makes {name} for each value of {value}", stmt)

    def _tabulated(self, call: CallFact) -> None:
        """A table built of results (`pd.DataFrame({"model": names, "score": [acc_lr, acc_svc]})`)
        compares them: it evaluates, and holds results from then on."""
        rule = self.weights.result_tables
        results = [root for root in dict.fromkeys(call.arg_roots)
                   if self._subject_kind(root) == "metrics" and not self._predicted(root)]
        if rule and results:
            self._add(rule[0], rule[1], f"tabulates {', '.join(results[:3])}", call.stmt)
            self.tabulated.add(call.stmt)

    def _predicted(self, name: str) -> bool:
        """Whether a name was bound to what a prediction returns (`scores = model.predict_proba(X)`),
        whatever it is called."""
        binding = self.scope.bindings.get(name)
        return binding is not None and not binding.module and self._is_prediction(binding.path)

    def _looked_at(self, rules: list[Rule], call: CallFact) -> list[Rule]:
        """A generic transformation whose result is only shown (`df.fillna(0).head()`) changes no data:
        it looks at it. One whose result only feeds another call or a computation (a plot of
        `df.astype(int)`) neither changes nor shows data: the call it feeds says what it serves. Done
        to results, it serves their stage even then (`scores_df.iloc[scores_df["acc"].idxmax()]`
        picks the best model)."""
        if not rules:
            return rules
        results = self._results_worked_on(rules, call)
        if results:
            rules = _restaged(rules, results)
        if call.used and not call.shown:
            looked = call.stmt in self._statements_shown_later()
            return [rule for rule in rules if (looked if rule.stage == "exploration" else
                                               rule.stage not in _CHANGES or rule.weight >= self.weights.strong)]
        if call.computed:
            return [rule for rule in rules if rule.stage != "exploration"]
        if not results:
            rules = self._joins_features(rules, call)
        if not call.displayed or "inplace" in call.kwargs or _WRITES.match(call.path[-1]):
            return rules
        return [Rule("exploration", rule.weight) if rule.stage in _CHANGES and rule.weight < self.weights.strong
                else rule for rule in rules]

    def _results_worked_on(self, rules: list[Rule], call: CallFact) -> str | None:
        """The stage of the results a call that looks at or reshapes data works on, if it does: a
        table of scores (`scores_df.sort_values(...)`: evaluation) or output made by an earlier cell
        (`preds_df.apply(...)`: deployment), or predictions given to it (`pd.crosstab(y, preds)`:
        evaluation); tables of statistics combined (`pd.concat([missing, percent], axis=1)`) are
        looked at.
        A first look at what the cell itself just made is part of making it."""
        if not any(rule.stage in _ON_DATA for rule in rules):
            return None
        receiver = call.path[0] if len(call.path) > 1 else ""
        if receiver and self._is_result(receiver) and not self._is_glance((receiver,), "", frozenset(), call.stmt):
            return self._output_stage(receiver, "evaluation")
        kinds = [self._subject_kind(root) for root in call.arg_roots]
        if any(kind in _RESULT_KINDS for kind in kinds):
            return "evaluation"
        return "exploration" if "summary" in kinds and all(kind in (None, "summary") for kind in kinds) else None

    def _pipeline(self, call: CallFact, name: str) -> list[Rule]:
        """A pipeline is what its last step is: a model trains, transformers prepare data."""
        step = self.scope.kind_of(call.last_step) if call.last_step else None
        stage = self.signals.pipeline_stages.get(step or "")
        if not stage:
            return []
        rule = Rule(stage, self.signals.pipeline_weight)
        self._add_rules([rule], f"calls {name} of {qualname(call.last_step or ())}", call.stmt)
        return [rule]

    def _method(self, call: CallFact, raw: Path_, resolved: Path_, binding: Binding | None, name: str) -> list[Rule]:
        method = raw[-1]
        if method in MARKERS or method == UNKNOWN:
            return []
        rules = self._explicit_call(name, raw, resolved, binding, call.stmt) or \
            self._class_method(raw, binding, call.stmt)
        receiver = raw[:-1]
        kind = self.scope.kind_of(receiver) if strip_trailing(receiver) not in ((), (UNKNOWN,)) else None
        found = _method_rules(self.signals.methods, kind, method, call, receiver, self.scope)
        looked_at = self._looked_at(found, call) if not rules else []
        if looked_at:
            reason = f"calls {self.scope.short_name(resolved)}" if binding else f"calls {qualname(raw)}"
            glance = self._is_glance(raw, method, self.weights.glance_methods, call.stmt)
            self.scores.label(reason, self.scope.call_name, "calls", raw, resolved, binding)
            self._add_rules(looked_at, reason, call.stmt, glance=glance)
        return rules or found

    def _helper(self, name: str, reason: str, stmt: int = CELL_WIDE) -> list[Rule]:
        """A function of the notebook itself, known by what its name says."""
        found = self.signals.helper_rules(name)
        for rule in found:
            self._add(rule.stage, rule.weight, reason, stmt)
        return list(found)

    def _function_work(self, name: str, stmt: int) -> None:
        """A notebook's function called does what its body plainly does (`model = build(X, y)`, where
        `build` fits a model): kept aside, it counts only in a cell that shows no phase of its own (see
        `_borrow_work`). Called inside a function the cell defines, it is part of what that function does."""
        work = self.scope.function_work.get(name)
        if not work:
            return
        weight = self.weights.called_functions[0]
        for stage, (strength, reason) in work.items():
            said = f"calls {name}, which {reason}"
            self.called.setdefault(stage, {})[said] = weight
            if self.bodies:
                self._body_work(stage, strength, said, stmt)

    def _explicit_call(self, name: str, raw: Path_, resolved: Path_, binding: Binding | None, stmt: int) -> list[Rule]:
        """Rules naming a method after an object's origin (azure.ai.ml.MLClient.online_endpoints)."""
        if binding is None:
            return []
        key, rules = self.signals.calls.lookup(name)
        receiver = resolved[:-1]
        origin = receiver[: len(receiver) - receiver[::-1].index(CALL) - 1] if CALL in receiver else binding.path
        if key is None or len(key.split(".")) <= len(self.scope.name(origin).split(".")):
            return []
        reason = f"calls {self.scope.short_name(resolved)}"
        self.scores.label(reason, self.scope.call_name, "calls", raw, resolved, binding)
        self._add_rules(rules, reason, stmt)
        return rules

    def _class_method(self, raw: Path_, binding: Binding | None, stmt: int) -> list[Rule]:
        """A class the tables know by its bare name (star-imported), made by one of its class methods
        (`ImageList.from_folder(path)` after `from fastai.vision import *`): a call of the class."""
        if binding is not None or len(raw) != 2:
            return []
        key, rules = self.signals.calls.lookup(raw[0])
        if key != raw[0]:
            return []
        self._add_rules(rules, f"calls {raw[0]}.{raw[1]}", stmt)
        return rules

    def _subjects(self, call: CallFact, name: str, matched: list[Rule]) -> None:
        """The stages of what a call shows or plots, by the kinds of its arguments; data shown or
        plotted beside results, or given to a call that evaluates, is what they are compared with.
        Results shown are reported, whatever function of the notebook shows them (a validation accuracy
        printed inside `def train_network`)."""
        signals = self.signals
        if name in signals.subject_calls:
            verb, stages, weight = "shows", signals.subject_stages, signals.subject_weight
        elif any(rule.stage == "visualization" for rule in matched):
            verb, stages, weight = "plots", signals.plot_stages, signals.plot_weight
        else:
            return
        kinds = [(root, self._subject_kind(root) or "") for root in dict.fromkeys(call.arg_roots)]
        found = [(root, kind, self._output_stage(root, stages.get(kind))) for root, kind in kinds]
        compared = any(rule.stage == "evaluation" for rule in matched) or \
            any(stage == "evaluation" or kind == "model" for _, kind, stage in found)
        for root, kind, stage in found:
            if not stage or (stage == "exploration" and compared):
                continue
            glance = verb == "shows" and stage == "exploration" and \
                self._is_glance((root,), "", frozenset(), call.stmt)
            if verb == "shows" and kind in _SHOWN_RESULTS:
                self.scores.add(stage, weight, f"{verb} {root}", call.stmt)
                self.scores.intended.add(stage)
            else:
                self._add(stage, weight, f"{verb} {root}", call.stmt, glance)

    def _is_result(self, name: str) -> bool:
        """Whether a name holds results: by what it was made of, or by what it is called."""
        return self._subject_kind(name) in _SHOWN_RESULTS or \
            not _SHOWN_RESULTS.isdisjoint(self.signals.kinds_of_name(name))

    def _subject_kind(self, root: str) -> str | None:
        """The kind of what a call shows or plots; a table named for results (`feature_importances`,
        `val_preds`) shows results, one named for a submission shows output."""
        kind = self.scope.kind_of((root,))
        if root in self.scope.results and kind in _DATA_KINDS:
            return "metrics"
        if kind == "dataframe":
            return next((named for named in self.signals.kinds_of_name(root) if named in _NAMED_TABLES), kind)
        return kind

    def _attribute(self, path: Path_, stmt: int, shown: bool) -> None:
        resolved, binding = self.scope.resolve(path)
        if binding is not None and binding.module and not any(p in MARKERS for p in path):
            name = self.scope.name(resolved)
            self.names.append(name)
            rules = self.signals.calls.lookup(name)[1] or self.signals.attributes.get((ANY_KIND, path[-1]), ())
            self._add_rules(rules, f"uses {name}", stmt)
            return
        receiver = strip_trailing(path[:-1])
        if not receiver or path[-1] in MARKERS:
            return
        kind = self.scope.kind_of(receiver)
        rules = self.signals.attributes.get((kind, path[-1]), ()) if kind else ()
        rules = rules or self.signals.attributes.get((ANY_KIND, path[-1]), ())
        rules = [rule for rule in rules if shown or not rule.shown]
        if self._is_result(path[0]):
            rules = _restaged(rules, "evaluation")
        glance = self._is_glance(path, path[-1], self.weights.glance_attributes, stmt)
        if rules:
            reason = f"reads {qualname(path)}"
            self.scores.label(reason, shown_path, "reads", path)
            self._add_rules(rules, reason, stmt, glance=glance)

    def _stored(self, path: Path_, stmt: int) -> None:
        resolved, binding = self.scope.resolve(path)
        if binding is not None and binding.module:
            name = self.scope.name(resolved)
            self._add_rules(self.signals.calls.lookup(name)[1], f"sets {name}", stmt)

    def _from_outputs(self, facts: CellFacts) -> None:
        """A table or array made of test-set predictions (`preds_df = pd.DataFrame(preds)`,
        `preds = np.rint(preds)`) is output too."""
        rule = self.signals.columns.get("predictions")
        for target, value, hint, stmt in facts.assigns[:MAX_FACTS] if rule else ():
            source = next((p[0] for p in (hint, value) if p and p[0] in self.scope.outputs), None)
            if source and value and value[-1] == CALL:
                self._add(rule[0], rule[1], f"makes {target} from {source}", stmt)

    def _remember_made(self, facts: CellFacts) -> None:
        """The names that hold output, results or engineered features from now on: bound by a
        statement that served deployment, that built a table of results, or that engineered features
        into a name new to the notebook (`history = aggregate_transactions(transactions)`)."""
        scope = self.scope
        _rebind(scope.outputs, self._statements_of("deployment"), facts)
        self._outputs_evaluated(facts)
        _rebind(scope.results, self.tabulated, facts)
        self._remember_worked_out(facts)
        rule = self.weights.joined_features
        if rule:
            _rebind(scope.features, self._statements_of(rule[0]), facts, scope.earlier)

    def _outputs_evaluated(self, facts: CellFacts) -> None:
        """Output set beside other data in a cell that evaluates and makes no output (an endpoint's
        predictions in `pd.crosstab(index=test_data.iloc[:, 0], columns=np.round(predictions))`) had
        labels after all: they are results from then on, not output."""
        outputs = self.scope.outputs
        evaluated = self._statements_of("evaluation")
        if not outputs or not evaluated or self._statements_of("deployment"):
            return
        for call in facts.calls[:MAX_FACTS]:
            if call.stmt in evaluated and len(set(call.arg_roots)) > 1:
                outputs.difference_update(call.arg_roots)

    def _remember_worked_out(self, facts: CellFacts) -> None:
        """What is worked out from a fitted model or its results holds results from then on: a value
        made or filled by a statement that only evaluates and reads a model, its predictions or other
        results (`imp = pd.DataFrame({"importance": model.feature_importances_})`, `costs.append(...)`
        of the cost of the predictions at each cut-off), and a value then made from results
        (`costs = np.array(costs)`, `top = pd.concat([coef.head(10), coef.tail(10)])`)."""
        evaluated = self._statements_of("evaluation")
        if not evaluated:
            return
        calls, results = facts.calls[:MAX_FACTS], self.scope.results
        made = [(target, value, stmt) for target, value, _, stmt in facts.assigns[:MAX_FACTS]
                if value and (stmt in evaluated or value[-1] == CALL)]
        filled = [(call.path[0], call.stmt) for call in calls
                  if call.stmt in evaluated and len(call.path) == 2 and call.path[1] in _FILLS]
        if not made and not filled:
            return
        worked = self._worked_on_a_model(facts, evaluated)
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

    def _worked_on_a_model(self, facts: CellFacts, evaluated: set[int]) -> set[int]:
        """The statements that only evaluate and read a model, its predictions or other results."""
        other = [self.scores.stmts.get(stage, ()) for stage in self._phase_stages() if stage != "evaluation"]
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
            if not statements <= worked and self._of_a_model(root):
                worked |= statements
        return worked

    def _of_a_model(self, root: str) -> bool:
        """Whether a name holds a model or what one gave: its predictions, its scores."""
        return self.scope.kind_of((root,)) == "model" or self._is_result(root)

    def _statements_of(self, stage: str) -> set[int]:
        """The statements a stage the cell shows comes from (none when it does not show it)."""
        if stage not in self.scores.by_stage or self.scores.confidence(stage) < self.signals.threshold:
            return set()
        return self.scores.stmts.get(stage, set())

    def _statements_shown_later(self) -> set[int]:
        if self._shown_later is None:
            self._shown_later = _shown_later(self.facts)
        return self._shown_later

    def _joins_features(self, rules: list[Rule], call: CallFact) -> list[Rule]:
        """A call that joins a table of engineered features to data engineers features: it prepares
        no data."""
        joined = self._joined_features(call)
        if joined is None:
            return rules
        stage, weight, _ = self.weights.joined_features
        self._add(stage, weight, f"joins the features in {joined}", call.stmt)
        return [rule for rule in rules if rule.stage not in _CHANGES]

    def _joined_features(self, call: CallFact) -> str | None:
        """The table of engineered features (see `_remember_made`, or what a function named for
        engineering them returns) a call joins to data, if it joins one: then it engineers features,
        it does not prepare data."""
        rule = self.weights.joined_features
        if not rule or not _names_like(rule[2], call.path[-1]):
            return None
        return next((root for root in (call.path[0], *call.arg_roots)
                     if root in self.scope.features or self._engineering_function(root)), None)

    def _engineering_function(self, name: str) -> bool:
        """Whether a name is a function of the notebook named for engineering features
        (`successive_aggregates(transactions, "category_1")`), what it returns engineered features."""
        return name not in self.scope.bindings and self.scope.helper_serves(name, _FEATURES)

    def _output_stage(self, root: str, stage: str | None) -> str | None:
        """Results shown or printed are output when an earlier cell made them as output (test-set
        predictions); a cell that makes them anew says itself what they are, unless it makes them
        from output alone (`predictions = np.rint(predictions)`)."""
        if stage != "evaluation" or root not in self.scope.outputs:
            return stage
        if self._still_output is None:
            self._still_output = _remade_from(self.facts, self.scope.outputs)
        return stage if root in self.made and root not in self._still_output else "deployment"

    def _display(self, path: Path_, stmt: int) -> None:
        attribute = path[-1] if len(path) > 1 and path[-1] not in MARKERS else ""
        root_kind = self._subject_kind(path[0])
        stage = None if root_kind in _RESULT_KINDS else self.signals.display_attributes.get(attribute)
        kind = root_kind if len(path) == 1 or root_kind in _RESULT_KINDS else self.scope.kind_of(path)
        stage = self._output_stage(path[0], stage or self.signals.display_stages.get(kind or ""))
        if stage == "exploration" and stmt in self.scores.stmts.get("evaluation", ()):
            return
        if stage:
            glance = stage == "exploration" and self._is_glance(path, attribute, self.weights.glance_attributes, stmt)
            reason = f"shows {qualname(path)}"
            self.scores.label(reason, shown_path, "shows", path)
            self._add(stage, self.signals.display_weight, reason, stmt, glance)

    def _classes(self, facts: CellFacts) -> None:
        for name, bases, stmt in facts.classes:
            for base in bases:
                base_name = self.scope.resolve_named(base)[2]
                self._add_rules(self.signals.bases.lookup(base_name)[1], f"defines {name}({base_name})", stmt)

    def _literals(self, facts: CellFacts) -> None:
        """A cell that only sets values configures the notebook, or the training when the values are
        hyperparameters (`params = {"learning_rate": 0.05, "max_depth": 6}`, `EPOCHS = 30`)."""
        if not facts.literal_only:
            self._hyperparameters_set(facts)
            return
        hyper = self.weights.hyperparameters
        if hyper:
            stage, weight, least, known = hyper
            named = {t.lower() for t, *_ in facts.assigns} | {s.lower() for s in facts.strings}
            if len(named & known) >= least:
                self.scores.add(stage, weight, f"sets hyperparameters {', '.join(sorted(named & known)[:3])}")
                return
        if self.signals.configuration:
            stage, weight = self.signals.configuration
            self.scores.add(stage, weight, "only sets values")

    def _hyperparameters_set(self, facts: CellFacts) -> None:
        """Values given to hyperparameters beside other code (`LR = 1e-4`, `EPOCHS = [2, 6, 8]`, a
        configuration class's `STEPS_PER_EPOCH = 1000`, or the keys of a dictionary not known as a
        table: `params["epochs"] = "3"`, any key of `hyperparameters`) configure the training."""
        hyper = self.weights.hyperparameters
        if not hyper:
            return
        stage, weight, least, known = hyper
        named = {target: stmt for target, value, _, stmt in facts.assigns[:MAX_FACTS]
                 if value is None and target.lower() in known}
        named.update((key, stmt) for frame, key, which, stmt, _ in facts.columns[:MAX_FACTS]
                     if which == "constant" and (key.lower() in known or frame[-1].lower() in known)
                     and self.scope.kind_of(frame) is None)
        if len({name.lower() for name in named}) >= least:
            reason = f"sets hyperparameters {', '.join(sorted(named)[:3])}"
            for stmt in named.values():
                self._add(stage, weight, reason, stmt)

    def _columns(self, facts: CellFacts) -> None:
        """Columns assigned; finishing a column the cell itself just added (`df["d"] = ...` then
        `df["d"] += ...`) is still adding it; predictions put in a table, even a new one, make output;
        any column added to a table of results (`scores_df["rank"] = np.arange(8)`) is about them. A
        value set in what is not known as a table (`hyperparameters["epochs"] = 10`, `os.environ[...]`)
        configures, it sets no column."""
        columns = self.signals.columns
        tables = self._new_tables(facts)
        added: set[tuple[Path_, str]] = set()
        for frame, key, which, stmt, source in facts.columns[:MAX_FACTS]:
            kind = self.scope.kind_of(frame)
            if kind not in (None, "dataframe") or (which == "constant" and kind is None):
                continue
            if which == "set" and source and self._subject_kind(source) == "predictions":
                which = "predictions"
            elif frame[0] in tables:
                continue
            elif which == "set" and self._is_result(frame[0]):
                which = "derive"
            if which == "derive" or (which == "rewrite" and (frame, key) in added):
                which = "derive"
                added.add((frame, key))
            if which in columns:
                stage, weight = columns[which]
                stage = "evaluation" if stage in _ON_DATA and self._is_result(frame[0]) else stage
                self._add(stage, weight, f"{_COLUMN_VERBS.get(which, which)} column {key!r}", stmt)
                if which == "derive" and stage == "feature_engineering":
                    self.derived.add(stmt)

    def _filters(self, facts: CellFacts) -> None:
        rule = self.signals.columns.get("filter")
        for name, stmt in facts.filtered[:MAX_FACTS] if rule else ():
            if self.scope.kind_of((name,)) in (None, "dataframe"):
                self._add(rule[0], rule[1], f"filters {name}", stmt)

    def _new_tables(self, facts: CellFacts) -> set[str]:
        """Tables built from scratch in the cell (`sub = pd.DataFrame()`): filling them is not
        engineering features."""
        tables = set()
        for target, value, _, _ in facts.assigns:
            if value and value[-1] == CALL:
                name = self.scope.resolve_named(value)[2]
                if self.weights.new_tables.lookup(name)[0] is not None:
                    tables.add(target)
        return tables

    def _targets(self, facts: CellFacts) -> None:
        """What the names a cell assigns say it makes (`X_train`: data prepared for a model); a metric
        made to be given to the training (`learn = cnn_learner(data, arch, metrics=acc_02)`) sets it up.
        Inside a function the cell defines, `X`, `y`, `y1` are as often coordinates as a model's
        inputs: its local names prepare no data."""
        bodies = [(start, end) for _, start, end in facts.defined[:MAX_FACTS]]
        for target, value, _, stmt in facts.assigns[:MAX_FACTS]:
            rules = self.signals.target_rules(target) if value else ()
            if not rules or self._is_prediction(value) or self._is_read(value) or self._returns_predictions(value):
                continue
            local = any(start < stmt < end for start, end in bodies) or self._engineers(value)
            for rule in rules:
                if not (local and rule.stage in _CHANGES):
                    self._add(self._target_stage(rule.stage, target, facts), rule.weight, f"makes {target}", stmt)

    @staticmethod
    def _target_stage(stage: str, target: str, facts: CellFacts) -> str:
        """A metric made to be given to the training (`metrics=acc_02`) serves the training."""
        if stage == "evaluation" and any(_MONITORING in call.kwargs and target in call.arg_roots
                                         for call in facts.calls[:MAX_FACTS]):
            return "training"
        return stage

    def _returns_predictions(self, value: Path_) -> bool:
        """Whether a value is what a prediction returns (`preds, y = learn.TTA()`): not data prepared."""
        return value[-1] == CALL and self.scope.kind_of(value) == "predictions"

    def _is_read(self, value: Path_) -> bool:
        """Whether a value is read from a file or a store (`X_train = pd.read_csv(...)` collects data,
        it does not prepare it)."""
        return self._made_by_a_call_for(value, "data_collection")

    def _made_by_a_call_for(self, value: Path_, stage: str) -> bool:
        """Whether a value is what a call returns that the `calls` table gives `stage`."""
        if value[-1] != CALL:
            return False
        rules = self.signals.calls.lookup(self.scope.resolve_named(value)[2])[1]
        return any(rule.stage == stage for rule in rules)

    def _engineers(self, value: Path_) -> bool:
        """Whether a value is what a call that engineers features returns (`X_train = hstack([X_brand,
        X_apps])`, `X = tfidf.fit_transform(texts)`): the features made, not data prepared."""
        if value[-1] != CALL:
            return False
        if len(value) > 2 and self.scope.kind_of(strip_trailing(value[:-2])) == "featurizer":
            return True
        return self._made_by_a_call_for(value, "feature_engineering")

    @staticmethod
    def _is_prediction(value: Path_) -> bool:
        return next((p for p in reversed(value) if p not in MARKERS), "").startswith("predict")

    def _names(self, facts: CellFacts) -> None:
        """Identifiers named in the signal table, each once whatever its case (`EPOCHS`, `epochs`)."""
        table = self.signals.identifiers
        found: dict[str, str] = {}
        for name in sorted(name for name in facts.names if name.lower() in table):
            found.setdefault(name.lower(), name)
        for low, name in found.items():
            self._add_rules(table[low], f"uses {name}")

    def _text_rules(self, facts: CellFacts) -> None:
        for command in facts.shell:
            for pattern, rule in self.signals.shell:
                if pattern.search(command):
                    self.scores.add(rule.stage, rule.weight, f"runs `{short(command)}`")
        for name, line in facts.magics:
            self._add_rules(self.signals.magics.get(name, ()), f"runs %{name}")
        for target in facts.files:
            for pattern, rule in self.signals.files:
                if pattern.search(target):
                    self.scores.add(rule.stage, rule.weight, f"writes {target}")
        for text in facts.foreign:
            for pattern, rule in self.signals.keywords:
                match = pattern.search(text)
                if match:
                    self.scores.add(rule.stage, rule.weight, f"mentions `{short(match.group(0))}`")


def _made_names(facts: CellFacts) -> dict[str, int]:
    """Names the cell assigns or changes in place, with the first statement that does: what a
    glance at them looks at."""
    made: dict[str, int] = {}
    changes = [(target, stmt) for target, _, _, stmt in facts.assigns]
    changes += [(frame[0], stmt) for frame, _, _, stmt, _ in facts.columns]
    changes += [(call.path[0], call.stmt) for call in facts.calls if "inplace" in call.kwargs]
    changes += [(path[0], stmt) for path, stmt in facts.stored]
    for name, stmt in changes:
        made[name] = min(stmt, made.get(name, stmt))
    return made


def _remade_from(facts: CellFacts, sources: set[str]) -> set[str]:
    """The names a cell assigns only from calls on those `sources` (`preds = np.rint(preds)`)."""
    remade: dict[str, bool] = {}
    for target, value, hint, _ in facts.assigns[:MAX_FACTS]:
        made_of = any(p and p[0] in sources for p in (hint, value)) and bool(value) and value[-1] == CALL
        remade[target] = remade.get(target, True) and made_of
    return {name for name, only in remade.items() if only}


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


def _shown_later(facts: CellFacts) -> set[int]:
    """The statements that assign a name the cell shows afterwards (`top = [w for w, _ in
    counts.most_common(20)]`, then `print(top)`): what they compute is looked at."""
    last_shown: dict[str, int] = {}
    for path, stmt in facts.displays:
        last_shown[path[0]] = max(stmt, last_shown.get(path[0], stmt))
    return {stmt for target, _, _, stmt in facts.assigns if last_shown.get(target, -1) > stmt}


def _kept_changes(facts: CellFacts, earlier: Container[str]) -> set[int]:
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


def _restaged(rules: list[Rule], stage: str) -> list[Rule]:
    """Rules that look at or change data, read as serving `stage` (results looked at evaluate)."""
    return [Rule(stage, rule.weight) if rule.stage in _ON_DATA else rule for rule in rules]


def _shown_name(call: CallFact) -> str:
    """What a shown call is named by in a reason: its path, or what a string's method is given."""
    if call.path[0] == UNKNOWN and call.arg_roots:
        return call.arg_roots[0]
    return qualname(call.path)


def _with_args(rules: list[Rule] | tuple, first_arg: str) -> list[Rule]:
    """Rules whose argument condition holds; a rule with a condition met replaces those without."""
    conditional = [r for r in rules if r.args is not None and r.args.fullmatch(first_arg or "")]
    if conditional:
        return conditional
    return [r for r in rules if r.args is None]


def _method_rules(table: dict, kind: str | None, method: str, call: CallFact, receiver: Path_,
                  scope: Scope) -> list[Rule]:
    for key in ((kind, method), (ANY_KIND, method)):
        if key[0] is None:
            continue
        rules = [r for r in table.get(key, ()) if not r.shown or call.shown]
        if rules:
            return _conditions(rules, call, receiver, scope)
    return []


def _flags_data(rule: Rule, call: CallFact) -> bool:
    """Whether a prediction given no data names the data by a keyword flag (`learn.TTA(is_test=True)`)."""
    return rule.unlabelled and rule.args is not None and not call.first_arg and \
        any(rule.args.fullmatch(kwarg) for kwarg in call.kwargs)


def _conditions(rules: list[Rule], call: CallFact, receiver: Path_, scope: Scope) -> list[Rule]:
    receiver_name = receiver[0] if receiver else ""
    met = [r for r in rules if (r.args or r.receiver) and _condition_met(r, call, receiver_name, scope)]
    if met:
        return met
    return [r for r in rules if r.args is None and r.receiver is None]


def _condition_met(rule: Rule, call: CallFact, receiver_name: str, scope: Scope) -> bool:
    first_arg = call.first_arg
    if rule.args is not None and not rule.args.fullmatch(first_arg or ""):
        return _flags_data(rule, call)
    if rule.unlabelled and scope.has_labels(first_arg):
        return False
    return rule.receiver is None or bool(rule.receiver.fullmatch(receiver_name))
