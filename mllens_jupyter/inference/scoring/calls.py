"""Calls and methods: what a call, an attribute, an import, a class or a name in a cell serves.

A call is resolved in the scope (`model.fit` of `model = RandomForestClassifier()` is
`sklearn.ensemble.RandomForestClassifier.fit`) and matched against the `calls` table by its qualified
name, or against the `methods` table by the kind of its receiver (a model's `fit` trains). This is
where `model.fit(X, y)` is classified: `call` -> `_method` -> `_method_rules`.
"""

from __future__ import annotations

import builtins

from . import data, results
from ..facts import CALL, ITEM, MARKERS, UNKNOWN, CallFact, CellFacts, Path_
from ..reasons import qualname, short, shown_path
from ..scope import MAX_FACTS, Binding, Scope, strip_trailing
from ..signals import ANY_KIND, Rule
from .context import IPYTHON_CALLS, CellContext
from .scores import CELL_WIDE

IMPORT_WEIGHT = 0.9
BUILTINS = frozenset(dir(builtins)) | {"display"} | IPYTHON_CALLS


def imports(ctx: CellContext, facts: CellFacts, mostly_imports: bool) -> None:
    """Imports set up a cell that is mostly imports; beside other code, all of them together weigh as
    one import, too little to make a setup cell of code no table knows."""
    if not facts.imports and not facts.star_imports:
        return
    imported = [(qualified, stmt) for _, qualified, stmt in facts.imports[:MAX_FACTS]]
    imported += [(f"{module}.*", stmt) for module, stmt in facts.star_imports[:MAX_FACTS]]
    if mostly_imports:
        for module, stmt in imported:
            ctx.scores.add("setup", IMPORT_WEIGHT, f"imports {module}", stmt)
        return
    modules = [module for module, _ in imported]
    reason = f"imports {', '.join(modules[:3])}{', …' if len(modules) > 3 else ''}"
    for _, stmt in imported:
        ctx.scores.add("setup", IMPORT_WEIGHT / 2, reason, stmt)


def score_call(ctx: CellContext, call: CallFact) -> None:
    """What a call serves: by its qualified name, or as a method by the kind of its receiver; then what
    it shows or plots, and the keyword arguments it is given."""
    raw = call.path
    if raw[0] == UNKNOWN and len(raw) < 2:
        return
    resolved, binding, name = ctx.scope.resolve_named(raw)
    is_method = len(raw) > 1 and (binding is None or not binding.module or CALL in raw or ITEM in raw)
    if is_method:
        matched = _method(ctx, call, raw, resolved, binding, name)
    else:
        matched = _qualified(ctx, call, name)
        if not matched and binding is None and len(raw) == 1 and raw[0] not in BUILTINS:
            matched = helper(ctx, raw[0], f"calls {raw[0]}", call.stmt)
            if ctx.weights.called_functions:
                _function_work(ctx, raw[0], call.stmt)
            if not call.used:
                ctx.scores.intended.update(rule.stage for rule in matched)
    if matched or name in ctx.signals.subject_calls:
        results.subjects(ctx, call, name, matched)
    for kwarg in dict.fromkeys(call.kwargs):
        ctx.add_rules(ctx.signals.arguments.get(kwarg, ()), f"passes {kwarg}=", call.stmt)


def _qualified(ctx: CellContext, call: CallFact, name: str) -> list[Rule]:
    if call.last_step is not None and ctx.signals.pipelines.lookup(name)[0] is not None:
        return _pipeline(ctx, call, name)
    key, rules = ctx.signals.calls.lookup(name)
    rules = _with_args(rules, call.first_arg)
    ctx.add_rules(data.looked_at(ctx, rules, call), f"calls {name}", call.stmt)
    if call.arg_roots and ctx.weights.new_tables.lookup(name)[0] is not None:
        results.compared(ctx, call)
        results.tabulated(ctx, call)
    return rules


def _pipeline(ctx: CellContext, call: CallFact, name: str) -> list[Rule]:
    """A pipeline is what its last step is: a model trains, transformers prepare data."""
    step = ctx.scope.kind_of(call.last_step) if call.last_step else None
    stage = ctx.signals.pipeline_stages.get(step or "")
    if not stage:
        return []
    rule = Rule(stage, ctx.signals.pipeline_weight)
    ctx.add_rules([rule], f"calls {name} of {qualname(call.last_step or ())}", call.stmt)
    return [rule]


def _method(ctx: CellContext, call: CallFact, raw: Path_, resolved: Path_, binding: Binding | None,
            name: str) -> list[Rule]:
    method = raw[-1]
    if method in MARKERS or method == UNKNOWN:
        return []
    rules = _explicit_call(ctx, name, raw, resolved, binding, call.stmt) or \
        _class_method(ctx, raw, binding, call.stmt)
    receiver = raw[:-1]
    kind = ctx.scope.kind_of(receiver) if strip_trailing(receiver) not in ((), (UNKNOWN,)) else None
    found = _method_rules(ctx.signals.methods, kind, method, call, receiver, ctx.scope)
    looked_at = data.looked_at(ctx, found, call) if not rules else []
    if looked_at:
        reason = f"calls {ctx.scope.short_name(resolved)}" if binding else f"calls {qualname(raw)}"
        glance = ctx.is_glance(raw, method, ctx.weights.glance_methods, call.stmt)
        ctx.scores.label(reason, ctx.scope.call_name, "calls", raw, resolved, binding)
        ctx.add_rules(looked_at, reason, call.stmt, glance=glance)
    return rules or found


def helper(ctx: CellContext, name: str, reason: str, stmt: int = CELL_WIDE) -> list[Rule]:
    """A function of the notebook itself, known by what its name says."""
    found = ctx.signals.helper_rules(name)
    for rule in found:
        ctx.add(rule.stage, rule.weight, reason, stmt)
    return list(found)


def _function_work(ctx: CellContext, name: str, stmt: int) -> None:
    """A notebook's function called does what its body plainly does (`model = build(X, y)`, where
    `build` fits a model): kept aside, it counts only in a cell that shows no phase of its own (see
    `weighing._borrow_work`). Called inside a function the cell defines, it is part of what that function does."""
    work = ctx.scope.function_work.get(name)
    if not work:
        return
    weight = ctx.weights.called_functions[0]
    for stage, (strength, reason) in work.items():
        said = f"calls {name}, which {reason}"
        ctx.called.setdefault(stage, {})[said] = weight
        if ctx.bodies:
            ctx.note_body_work(stage, strength, said, stmt)


def _explicit_call(ctx: CellContext, name: str, raw: Path_, resolved: Path_, binding: Binding | None,
                   stmt: int) -> list[Rule]:
    """Rules naming a method after an object's origin (azure.ai.ml.MLClient.online_endpoints)."""
    if binding is None:
        return []
    key, rules = ctx.signals.calls.lookup(name)
    receiver = resolved[:-1]
    origin = receiver[: len(receiver) - receiver[::-1].index(CALL) - 1] if CALL in receiver else binding.path
    if key is None or len(key.split(".")) <= len(ctx.scope.name(origin).split(".")):
        return []
    reason = f"calls {ctx.scope.short_name(resolved)}"
    ctx.scores.label(reason, ctx.scope.call_name, "calls", raw, resolved, binding)
    ctx.add_rules(rules, reason, stmt)
    return rules


def _class_method(ctx: CellContext, raw: Path_, binding: Binding | None, stmt: int) -> list[Rule]:
    """A class the tables know by its bare name (star-imported), made by one of its class methods
    (`ImageList.from_folder(path)` after `from fastai.vision import *`): a call of the class."""
    if binding is not None or len(raw) != 2:
        return []
    key, rules = ctx.signals.calls.lookup(raw[0])
    if key != raw[0]:
        return []
    ctx.add_rules(rules, f"calls {raw[0]}.{raw[1]}", stmt)
    return rules


def attribute(ctx: CellContext, path: Path_, stmt: int, shown: bool) -> None:
    resolved, binding = ctx.scope.resolve(path)
    if binding is not None and binding.module and not any(p in MARKERS for p in path):
        name = ctx.scope.name(resolved)
        rules = ctx.signals.calls.lookup(name)[1] or ctx.signals.attributes.get((ANY_KIND, path[-1]), ())
        ctx.add_rules(rules, f"uses {name}", stmt)
        return
    receiver = strip_trailing(path[:-1])
    if not receiver or path[-1] in MARKERS:
        return
    kind = ctx.scope.kind_of(receiver)
    rules = ctx.signals.attributes.get((kind, path[-1]), ()) if kind else ()
    rules = rules or ctx.signals.attributes.get((ANY_KIND, path[-1]), ())
    rules = [rule for rule in rules if shown or not rule.shown]
    if ctx.is_result(path[0]):
        rules = data.restaged(rules, "evaluation")
    glance = ctx.is_glance(path, path[-1], ctx.weights.glance_attributes, stmt)
    if rules:
        reason = f"reads {qualname(path)}"
        ctx.scores.label(reason, shown_path, "reads", path)
        ctx.add_rules(rules, reason, stmt, glance=glance)


def stored(ctx: CellContext, path: Path_, stmt: int) -> None:
    resolved, binding = ctx.scope.resolve(path)
    if binding is not None and binding.module:
        name = ctx.scope.name(resolved)
        ctx.add_rules(ctx.signals.calls.lookup(name)[1], f"sets {name}", stmt)


def classes(ctx: CellContext, facts: CellFacts) -> None:
    for name, bases, stmt in facts.classes:
        for base in bases:
            base_name = ctx.scope.resolve_named(base)[2]
            ctx.add_rules(ctx.signals.bases.lookup(base_name)[1], f"defines {name}({base_name})", stmt)


def identifiers(ctx: CellContext, facts: CellFacts) -> None:
    """Identifiers named in the signal table, each once whatever its case (`EPOCHS`, `epochs`)."""
    table = ctx.signals.identifiers
    found: dict[str, str] = {}
    for name in sorted(name for name in facts.names if name.lower() in table):
        found.setdefault(name.lower(), name)
    for low, name in found.items():
        ctx.add_rules(table[low], f"uses {name}")


def text_rules(ctx: CellContext, facts: CellFacts) -> None:
    for command in facts.shell:
        for pattern, rule in ctx.signals.shell:
            if pattern.search(command):
                ctx.scores.add(rule.stage, rule.weight, f"runs `{short(command)}`")
    for name, line in facts.magics:
        ctx.add_rules(ctx.signals.magics.get(name, ()), f"runs %{name}")
    for target in facts.files:
        for pattern, rule in ctx.signals.files:
            if pattern.search(target):
                ctx.scores.add(rule.stage, rule.weight, f"writes {target}")
    for text in facts.foreign:
        for pattern, rule in ctx.signals.keywords:
            match = pattern.search(text)
            if match:
                ctx.scores.add(rule.stage, rule.weight, f"mentions `{short(match.group(0))}`")


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
