"""Names bound so far in a notebook, updated cell by cell: what each name stands for.

A `Scope` carries what earlier cells bound: import aliases (`pd` is `pandas`) and where each variable
came from (`model = RandomForestClassifier()`), so that `model.fit(X, y)` three cells later is a call of
`sklearn.ensemble.RandomForestClassifier.fit`, and the kind of `model` (a model) decides what `fit` means.
Paths are shown in reasons as the cell writes them (see `reasons`).
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import NamedTuple

from .facts import CALL, ITEM, MARKERS, UNKNOWN, UNPACKED, CellFacts, Path_
from .reasons import qualname, short, written
from .signals import ANY_KIND, Signals

MAX_KINDS_CACHED = 10_000
MAX_FACTS = 3000  # the most facts of one sort (calls, assignments, ...) read from a cell
_DATA_WORK = frozenset({"data_collection", "data_preprocessing", "feature_engineering"})
NO_FACTS = CellFacts()  # what a scope holds before its first cell; never modified


class Binding(NamedTuple):
    """What a name stands for: a module or qualified name (`module`), or an object made by `path`."""

    path: Path_
    module: bool
    kind: str | None = None


def _leading_names(path: Path_) -> Path_:
    """A path's names before its first call or index (`pandas.read_json` of `pandas.read_json().drop()`)."""
    for index, part in enumerate(path):
        if part == CALL or part == ITEM:
            return path[:index]
    return path


def _module_function(raw: Path_, binding: Binding | None) -> bool:
    """Whether a path is a call of a module's function (`np.stack(preds)`, `np.exp(x)`): what it
    returns is not known by the function's name."""
    return binding is not None and binding.module and len(raw) > 2 and raw[-1] == CALL and \
        CALL not in raw[:-1] and ITEM not in raw


def strip_trailing(path: Path_) -> Path_:
    """The path without its trailing calls and indexes (`df.head` of `df.head()`)."""
    while path and path[-1] in MARKERS:
        path = path[:-1]
    return path


_X_NAME = re.compile(r"^x(?=_|[a-z]|$)|(?<=_)x$")
_FRAME_AFFIX = re.compile(r"^df_|_df$")


def label_names(name: str) -> set[str]:
    """The names that would hold the labels of a data variable: y_test for X_test, test_y for
    test_x, y_test for test or test_df."""
    low = name.lower()
    bare = _FRAME_AFFIX.sub("", low)
    found = {f"y_{bare}", f"{bare}_y", f"{bare}_labels", f"{bare}_target", f"y{bare}"}
    if _X_NAME.search(low):
        found.add(_X_NAME.sub("y", low, count=1))
    return found


class _AssignedBefore:
    """The names (lower-cased) a notebook assigned before a cell: those assigned so far that the cell
    did not assign first. A view, so that asking costs nothing however many names there are."""

    __slots__ = ("assigned", "first")

    def __init__(self, assigned: set[str], first: set[str]) -> None:
        self.assigned = assigned
        self.first = first

    def __contains__(self, low: object) -> bool:
        return low in self.assigned and low not in self.first


class Scope:
    """Names bound so far in a notebook, updated cell by cell."""

    def __init__(self, signals: Signals) -> None:
        self.signals = signals
        self.bindings: dict[str, Binding] = {}
        self.assigned: set[str] = set()
        self._first_assigned: set[str] = set()
        self.opening = True
        self.cell_facts = NO_FACTS
        self.outputs: set[str] = set()
        self.results: set[str] = set()
        self.features: set[str] = set()
        self.heading: dict[str, float] = {}
        self.function_work: dict[str, dict[str, tuple[float, str]]] = {}
        self._kinds: dict[str, dict[Path_, str | None]] = {}
        self._named: dict[str, dict[Path_, tuple[Path_, Binding | None, str]]] = {}

    def resolve(self, path: Path_) -> tuple[Path_, Binding | None]:
        """The path with its root replaced by what the root stands for, and that binding."""
        root = path[0]
        binding = self.bindings.get(root)
        if binding is None and root in self.signals.default_aliases:
            binding = Binding(tuple(self.signals.default_aliases[root].split(".")), module=True)
        if binding is None:
            return path, None
        return binding.path + path[1:], binding

    def resolve_named(self, raw: Path_) -> tuple[Path_, Binding | None, str]:
        """`resolve(raw)` and the canonical name of the path it gives; kept by root, as kinds are."""
        named = self._named.setdefault(raw[0], {})
        found = named.get(raw)
        if found is None:
            if len(named) > MAX_KINDS_CACHED:
                named.clear()
            resolved, binding = self.resolve(raw)
            found = named[raw] = (resolved, binding, self.name(resolved))
        return found

    def name(self, path: Path_) -> str:
        """The canonical qualified name of a resolved path."""
        return self.signals.canonical_name(qualname(path))

    def short_name(self, path: Path_) -> str:
        """The name a method call counts as evidence by: its API, long method chains keeping their
        origin and their last method (`call_name` is how it is shown)."""
        origin = path[: path.index(CALL)] if CALL in path else path
        name = self.name(path)
        parts, head = name.split("."), len(qualname(origin).split("."))
        return name if len(parts) <= head + 2 else ".".join([*parts[:head], "…", parts[-1]])

    def call_name(self, verb: str, raw: Path_, resolved: Path_, binding: Binding | None) -> str:
        """A method call as a reason shows it: as the cell writes it, with where the variable it starts
        from comes from (`calls clf.fit() (clf from sklearn.ensemble.RandomForestClassifier())`), or
        from the module an alias stands for (`calls pandas.read_csv().head()`)."""
        if binding is not None and binding.module:
            return f"{verb} {self.origin(resolved)}()"
        origin = self.origin(binding.path) if binding is not None else ""
        return f"{verb} {short(written(raw))}()" + (f" ({raw[0]} from {origin})" if origin else "")

    def origin(self, path: Path_) -> str:
        """A resolved path as code would write it, its leading names by their canonical name
        (`sagemaker.estimator.Estimator().deploy()`); "" when it starts from no name."""
        head = _leading_names(path)
        if not head or head[0] == UNKNOWN:
            return ""
        return short(self.name(head) + written(path[len(head):]))

    def has_labels(self, name: str) -> bool:
        """Whether the notebook has labels for the data in `name`: y_test beside X_test, assigned
        before or used in the cell at hand."""
        if not name:
            return False
        labels = label_names(name)
        return not labels.isdisjoint(self.assigned) or any(n.lower() in labels for n in self.cell_facts.names)

    def kind_of(self, raw: Path_) -> str | None:
        """The kind of the object a raw path (as written in the cell) denotes, if known. It depends on
        the binding of the path's root alone, so kinds are kept by root until that root is bound again."""
        if not raw:
            return None
        kinds = self._kinds.setdefault(raw[0], {})
        if raw not in kinds:
            if len(kinds) > MAX_KINDS_CACHED:
                kinds.clear()
            kinds[raw] = self._kind_of(raw)
        return kinds[raw]

    def _kind_of(self, raw: Path_) -> str | None:
        resolved, binding = self.resolve(raw)
        if binding is not None and binding.kind and len(raw) == 1:
            return binding.kind
        last_name = next((p for p in reversed(raw) if p not in MARKERS), "")
        accessor = self.signals.accessor_kinds.get(last_name)
        if accessor and len(raw) > 1:
            return accessor
        kind = self._kind_of_resolved(resolved, binding, raw)
        if kind or _module_function(raw, binding):
            return kind
        return self.signals.kind_of_name(last_name)

    def _kind_of_resolved(self, resolved: Path_, binding: Binding | None, raw: Path_) -> str | None:
        returned = self._returned_kind(raw)
        if returned:
            return returned
        if binding is not None:
            kind = self.signals.kind_of_origin(self.name(resolved))
            if kind:
                return kind
            if binding.kind in self.signals.keeping_kinds:
                return binding.kind
            return binding.kind if len(raw) == 1 else None
        return None

    def _returned_kind(self, raw: Path_) -> str | None:
        """The kind declared by the rule of the last method or attribute in `raw`, if any."""
        stripped = strip_trailing(raw)
        if len(stripped) < 2 or stripped[-1] in (UNKNOWN,):
            return None
        receiver = stripped[:-1]
        if not strip_trailing(receiver):
            return None
        table = self.signals.methods if raw[-1] == CALL else self.signals.attributes
        kind = self.kind_of(receiver)
        for key in ((kind, stripped[-1]), (ANY_KIND, stripped[-1])):
            for rule in table.get(key, ()):
                if rule.returns:
                    return rule.returns
        return None

    def is_pipeline(self, path: Path_) -> bool:
        return self.signals.pipelines.lookup(self.resolve_named(strip_trailing(path))[2])[0] is not None

    def helper_serves(self, function: str, stages: frozenset[str]) -> bool:
        """Whether a notebook's function is named for work of one of `stages` (`aggregate_transactions`
        works on data)."""
        return any(rule.stage in stages for rule in self.signals.helper_rules(function))

    def define_functions(self, facts: CellFacts, work: dict[str, dict[str, tuple[float, str]]]) -> None:
        """Record what the bodies of a cell's functions plainly do: stage -> (weight, reason), per name;
        a function defined again is known by its new body."""
        for name, _, _ in facts.defined[:MAX_FACTS]:
            if name in work:
                self.function_work[name] = work[name]
            else:
                self.function_work.pop(name, None)

    def bind_cell(self, facts: CellFacts) -> None:
        """Record what a cell binds: imports, classes, then assignments in order."""
        self._first_assigned = set()
        self.opening = not self.bindings
        for bound, qualified, _ in facts.imports:
            path = tuple(qualified.split("."))
            self._bind(bound, Binding(path, module=True, kind=self.signals.kind_of_origin(self.name(path))))
        for name, bases, _ in facts.classes:
            self._bind_class(name, bases)
        assigned, first = self.assigned, self._first_assigned
        for target, value, hint, _ in facts.assigns[:MAX_FACTS]:
            low = target.lower()
            if low not in assigned:
                assigned.add(low)
                first.add(low)
            self._bind_value(target, value, hint)

    @property
    def earlier(self) -> Container[str]:
        """The names (lower-cased) assigned before the cell last bound."""
        return _AssignedBefore(self.assigned, self._first_assigned)

    def _bind_class(self, name: str, bases: tuple[Path_, ...]) -> None:
        for base in bases:
            resolved, binding = self.resolve(base)
            rules = self.signals.bases.lookup(self.name(resolved))[1]
            kind = next((rule.kind for rule in rules if rule.kind), None)
            if rules:
                self._bind(name, Binding(resolved, module=True, kind=kind))
                return
        self._bind(name, None)

    def _bind_value(self, target: str, value: Path_ | None, hint: Path_ | None) -> None:
        if value is None or value[0] == UNKNOWN:
            self._bind(target, None)
            return
        resolved, binding = self.resolve(value)
        kind = self._value_kind(target, value, hint, binding)
        if binding is None and len(value) == 1:
            self._bind(target, None)
            return
        self._bind(target, Binding(resolved, module=False, kind=kind))

    def _bind(self, name: str, binding: Binding | None) -> None:
        """Bind (or, with None, unbind) a name; the kinds of paths from it are worked out again."""
        if self.bindings.get(name) == binding:
            return
        if binding is None:
            del self.bindings[name]
        else:
            self.bindings[name] = binding
        self._kinds.pop(name, None)
        self._named.pop(name, None)

    def _value_kind(self, target: str, value: Path_, hint: Path_ | None, binding: Binding | None) -> str | None:
        """The kind of an assigned value. A pipeline is the kind of its last step; a notebook's own
        function called on a dataframe returns a dataframe, unless the name assigned says otherwise;
        of several values unpacked (`fig, ax = ...`, `sub, fi, metrics = run(...)`), a name that says
        what it holds wins."""
        if hint == UNPACKED:
            return self.signals.kind_of_name(target) or self.kind_of(value)
        if hint is not None and value[-1] == CALL and self.is_pipeline(value):
            return self.kind_of(hint) or self.kind_of(value)
        if hint is not None and binding is None and len(value) == 2 and value[-1] == CALL and len(hint) == 1:
            argument = self.bindings.get(hint[0])
            kind = argument.kind if argument is not None else None
            if kind in self.signals.keeping_kinds and (self.signals.kind_of_name(target) in (None, kind)
                                                       or self.helper_serves(value[0], _DATA_WORK)):
                return kind
        return self.kind_of(value)
