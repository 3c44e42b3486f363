"""One code cell being scored: its facts, the notebook's scope, the evidence so far, and the questions
every pass asks (is this name a result? is this a glance at what the cell made?).

The passes (`calls`, `data`, `results`, `weighing`) are functions of a `CellContext`; what one pass
leaves in it (statements that prepared data, tables of results built) is what a later one reads.
"""

from __future__ import annotations

import re

from ..facts import CALL, MARKERS, CellFacts, Path_
from ..scope import MAX_FACTS, Scope
from ..signals import Rule, remember
from .scores import CELL_WIDE, Scores


ACTIVITY_STAGES = frozenset({"setup", "visualization"})
CHANGES = frozenset({"data_preprocessing", "feature_engineering"})
RESULT_KINDS = frozenset({"metrics", "predictions"})
SHOWN_RESULTS = RESULT_KINDS | {"history"}
NAMED_TABLES = RESULT_KINDS | {"submission"}
ON_DATA = CHANGES | {"exploration"}
DATA_KINDS = frozenset({None, "dataframe", "summary"})
FITTING = frozenset({"training", "tuning"})
FEATURES = frozenset({"feature_engineering"})
IPYTHON_CALLS = frozenset({"get_ipython"})

_NAMES_LIKE: dict[tuple[re.Pattern, str], bool] = {}


def names_like(pattern: re.Pattern, name: str) -> bool:
    """Whether a variable's name is one a rule of `cells` names (`test_loader`, `y_val`), memoised."""
    found = _NAMES_LIKE.get((pattern, name))
    if found is None:
        found = bool(pattern.fullmatch(name))
        remember(_NAMES_LIKE, (pattern, name), found)
    return found


class CellContext:
    """What the passes over one code cell share: its facts, the scope, the scores being built, and what
    earlier passes noted (statements that prepared data or derived features, tables of results built,
    what the cell's own functions do)."""

    def __init__(self, scope: Scope, facts: CellFacts) -> None:
        self.scope = scope
        self.signals = scope.signals
        self.weights = scope.signals.cells
        self.facts = facts
        self.scores = Scores()
        self.scores.installs_only = facts.import_statements == facts.statements and not facts.calls
        self.made = made_names(facts)
        self.purposes = self._purposes(facts)
        self.bodies: list[tuple[str, int, int]] = facts.defined[:MAX_FACTS]
        self.body_work: dict[str, dict[str, tuple[float, str]]] = {}
        self.called: dict[str, dict[str, float]] = {}
        self.derived: set[int] = set()
        self.prepared: set[int] = set()
        self.tabulated: set[int] = set()
        self._still_output: set[str] | None = None
        self._shown_later: set[int] | None = None

    def phase_stages(self) -> list[str]:
        return [s for s in self.scores.present(self.signals.threshold) if s not in ACTIVITY_STAGES]

    def _purposes(self, facts: CellFacts) -> list[tuple[int, int, frozenset[str]]]:
        """The statements of each function the cell defines whose name says what it does."""
        found = []
        for name, start, end in facts.defined[:MAX_FACTS]:
            stages = frozenset(rule.stage for rule in self.signals.helper_rules(name))
            if stages:
                found.append((start, end, stages))
        return found

    def add(self, stage: str, weight: float, reason: str, stmt: int = CELL_WIDE, glance: bool = False) -> None:
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
                self.note_body_work(stage, weight, self.scores.shown(reason), stmt)
        self.scores.add(stage, weight, reason, stmt, glance)

    def note_body_work(self, stage: str, weight: float, reason: str, stmt: int) -> None:
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

    def add_rules(self, rules: list[Rule] | tuple, reason: str, stmt: int = CELL_WIDE, scale: float = 1.0,
                  glance: bool = False) -> bool:
        for rule in rules:
            self.add(rule.stage, rule.weight * scale, reason, stmt, glance and rule.stage == "exploration")
        return bool(rules)

    def is_glance(self, path: Path_, name: str, names: frozenset[str], stmt: int) -> bool:
        """Whether `path` looks at something this cell made before: `df.head()`, `X.shape` after
        building them."""
        made = self.made.get(path[0])
        return made is not None and made < stmt and (name in names or not name)

    def is_result(self, name: str) -> bool:
        """Whether a name holds results: by what it was made of, or by what it is called."""
        return self.subject_kind(name) in SHOWN_RESULTS or \
            not SHOWN_RESULTS.isdisjoint(self.signals.kinds_of_name(name))

    def subject_kind(self, root: str) -> str | None:
        """The kind of what a call shows or plots; a table named for results (`feature_importances`,
        `val_preds`) shows results, one named for a submission shows output."""
        kind = self.scope.kind_of((root,))
        if root in self.scope.results and kind in DATA_KINDS:
            return "metrics"
        if kind == "dataframe":
            return next((named for named in self.signals.kinds_of_name(root) if named in NAMED_TABLES), kind)
        return kind

    def statements_of(self, stage: str) -> set[int]:
        """The statements a stage the cell shows comes from (none when it does not show it)."""
        if stage not in self.scores.by_stage or self.scores.confidence(stage) < self.signals.threshold:
            return set()
        return self.scores.stmts.get(stage, set())

    def statements_shown_later(self) -> set[int]:
        if self._shown_later is None:
            self._shown_later = shown_later(self.facts)
        return self._shown_later

    def output_stage(self, root: str, stage: str | None) -> str | None:
        """Results shown or printed are output when an earlier cell made them as output (test-set
        predictions); a cell that makes them anew says itself what they are, unless it makes them
        from output alone (`predictions = np.rint(predictions)`)."""
        if stage != "evaluation" or root not in self.scope.outputs:
            return stage
        if self._still_output is None:
            self._still_output = remade_from(self.facts, self.scope.outputs)
        return stage if root in self.made and root not in self._still_output else "deployment"


def is_prediction(value: Path_) -> bool:
    """Whether a value is what a prediction returns, by the method that made it (`model.predict_proba(X)`)."""
    return next((p for p in reversed(value) if p not in MARKERS), "").startswith("predict")


def made_names(facts: CellFacts) -> dict[str, int]:
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


def remade_from(facts: CellFacts, sources: set[str]) -> set[str]:
    """The names a cell assigns only from calls on those `sources` (`preds = np.rint(preds)`)."""
    remade: dict[str, bool] = {}
    for target, value, hint, _ in facts.assigns[:MAX_FACTS]:
        made_of = any(p and p[0] in sources for p in (hint, value)) and bool(value) and value[-1] == CALL
        remade[target] = remade.get(target, True) and made_of
    return {name for name, only in remade.items() if only}


def shown_later(facts: CellFacts) -> set[int]:
    """The statements that assign a name the cell shows afterwards (`top = [w for w, _ in
    counts.most_common(20)]`, then `print(top)`): what they compute is looked at."""
    last_shown: dict[str, int] = {}
    for path, stmt in facts.displays:
        last_shown[path[0]] = max(stmt, last_shown.get(path[0], stmt))
    return {stmt for target, _, _, stmt in facts.assigns if last_shown.get(target, -1) > stmt}
