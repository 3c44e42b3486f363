"""Facts of a parsed cell: one pass over its AST (see `facts` for what they are)."""

from __future__ import annotations

import ast

from .ast_nodes import (
    OPERANDS,
    PIPELINES,
    arg_roots_of,
    assigns_literal,
    column_key,
    column_kind,
    constant_text,
    filters_itself,
    first_argument,
    last_step_of,
    line_span,
    mark_chain,
    path_of,
    no_operands,
    operands_of,
    operation_under,
    path_keyword,
    root_name,
    rows_of,
    statements_in,
    value_hint,
)
from .facts import (
    CALL,
    MAX_ARG_ROOTS,
    MAX_MAGIC_DEPTH,
    MAX_PARSE_CHARS,
    MAX_SCAN_CHARS,
    MAX_STRING_CHARS,
    MAX_STRINGS,
    MAX_WRAPPERS,
    UNKNOWN,
    UNPACKED,
    CallFact,
    CellFacts,
    Path_,
)
from .ipython_syntax import parse_cell
from .token_fallback import scan_tokens


def read_into(text: str, facts: CellFacts, depth: int, transform: bool = True) -> None:
    tree = parse_cell(text, transform)
    if tree is None:
        scan_tokens(text, facts)
        return
    facts.parsed = facts.parsed or depth == 0
    try:
        _Collector(facts, depth).collect(tree)
    except (RecursionError, MemoryError):
        scan_tokens(text, facts)


_MAGIC_CALLS = {
    ("get_ipython", CALL, "run_line_magic"): "line",
    ("get_ipython", CALL, "run_cell_magic"): "cell",
    ("get_ipython", CALL, "system"): "shell",
    ("get_ipython", CALL, "getoutput"): "shell",
}
_PYTHON_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "mprun", "lprun", "snakeviz",
                            "tensorflow_version", "skip", "cache", "spark"})
_SHELL_MAGICS = frozenset({"bash", "sh", "script", "system", "sx", "zsh"})
_NON_CODE_MAGICS = frozenset({"html", "HTML", "javascript", "js", "markdown", "latex", "svg", "md", "pinfo",
                              "pinfo2", "psearch", "writefile_md"})
_SHOW_PATHS = frozenset({("print",), ("display",)})


_IN_PLACE = "inplace"
_EQUALITIES = (ast.Eq, ast.NotEq)


class _Collector:
    """One pass over a module's nodes, filling a CellFacts; `stmt` is the statement being read."""

    def __init__(self, facts: CellFacts, depth: int) -> None:
        self.facts = facts
        self.depth = depth
        self.stmt = facts.stmt_count
        self.inner: set[int] = set()
        self.shown: set[int] = set()
        self.used: set[int] = set()
        self.displayed: set[int] = set()
        self.computed: set[int] = set()
        self.last: ast.Expr | None = None
        self.loop_values: list[tuple[str, int]] = []

    def collect(self, tree: ast.Module) -> None:
        """Every node, parents before children, in source order; no recursion, `ctx` nodes skipped.
        Names and constants, most of the nodes, are read in place rather than dispatched; children
        are pushed last first, so that the stack pops them in source order."""
        facts = self.facts
        if self.depth == 0:
            self._top_level(tree.body)
        self.last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        names, strings, stack = facts.names, facts.strings, [tree]
        pop, push, extend, kinds = stack.pop, stack.append, stack.extend, _NODE_KINDS
        while stack:
            node = pop()
            kind = type(node)
            if kind is ast.Name:
                names.add(node.id)
            elif kind is ast.Constant:
                if type(node.value) is str and len(strings) < MAX_STRINGS:
                    strings.append(node.value[:MAX_STRING_CHARS])
            else:
                is_statement, handler, fields = kinds.get(kind) or _node_kind(kind)
                if is_statement:
                    self.stmt = facts.stmt_count
                    facts.stmt_count += 1
                if handler is not None:
                    handler(self, node)
                for name in fields:
                    value = getattr(node, name, None)
                    if type(value) is list:
                        extend(value[::-1])
                    elif value is not None:
                        push(value)

    def _top_level(self, body: list[ast.stmt]) -> None:
        facts = self.facts
        facts.statements += len(body)
        facts.import_statements += sum(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body)
        spans = [(isinstance(s, (ast.Import, ast.ImportFrom)), line_span(s)) for s in body]
        facts.lines += sum(span for _, span in spans)
        facts.import_lines += sum(span for is_import, span in spans if is_import)
        settings = [s for s in body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        facts.literal_only = bool(settings) and all(map(assigns_literal, settings))

    def _display(self, values: list[ast.expr]) -> None:
        """Objects shown: a name, attribute or index, or the operands of an operation a chain
        starts from (`(preds > 0.5).mean()` shows preds)."""
        for value in values[:MAX_ARG_ROOTS]:
            if isinstance(value, ast.Call):
                operation = operation_under(value)
                if operation is None:
                    continue
                self._display([v for v in operands_of(operation) if not isinstance(v, (ast.BinOp, ast.Compare))])
            elif isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
                path = path_of(value)
                if path:
                    self.facts.displays.append((path, self.stmt))

    def _mark_shown(self, node: ast.AST) -> None:
        mark_chain(node, self.shown)

    def on_operation(self, node: ast.AST) -> None:
        """Operands of a comparison or arithmetic, conditions, indexes and loop iterables are used in
        a computation, not looked at."""
        for child in OPERANDS.get(type(node), no_operands)(node):
            mark_chain(child, self.used)

    def on_comparison(self, node: ast.Compare | ast.BinOp) -> None:
        """Values set against each other, equal or not (`preds == y_val`) or one taken from the other
        (`y_val - preds`): the roots of both sides."""
        self.on_operation(node)
        if type(node) is ast.BinOp:
            if type(node.op) is not ast.Sub:
                return
            operands = (node.left, node.right)
        elif type(node.ops[0]) in _EQUALITIES:
            operands = (node.left, node.comparators[0])
        else:
            return
        for operand in operands:
            root = root_name(operand)
            if root:
                self.facts.compared.append((root, self.stmt))

    def on_expr(self, node: ast.Expr) -> None:
        self._mark_shown(node.value)
        if node is self.last:
            value = node.value
            mark_chain(value, self.displayed)
            self._display(value.elts if isinstance(value, ast.Tuple) else [value])

    def on_import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.facts.modules.append(alias.name)
            bound = alias.asname or alias.name.split(".")[0]
            self.facts.imports.append((bound, alias.name if alias.asname else bound, self.stmt))
            self.facts.names.add(bound)

    def on_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or not module:
            return
        for alias in node.names:
            if alias.name == "*":
                self.facts.modules.append(module)
                self.facts.star_imports.append((module, self.stmt))
                continue
            qualified = f"{module}.{alias.name}"
            self.facts.modules.append(qualified)
            self.facts.imports.append((alias.asname or alias.name, qualified, self.stmt))
            self.facts.names.add(alias.asname or alias.name)

    def on_call(self, node: ast.Call) -> None:
        self.inner.add(id(node.func))
        path = path_of(node.func)
        if path is None:
            return
        magic = _MAGIC_CALLS.get(path)
        if magic is not None:
            _read_magic(self.facts, self.depth, magic, node)
            return
        values = [*node.args, *[k.value for k in node.keywords]][:MAX_ARG_ROOTS]
        node_id = id(node)
        displayed = node_id in self.displayed
        kwargs = tuple(k.arg for k in node.keywords if k.arg)
        if path in _SHOW_PATHS:
            self._show(node.args)
        else:
            self._mark_arguments(values, displayed and _IN_PLACE not in kwargs)
        self.facts.names.update(kwargs)
        first = first_argument(node.args[0]) if node.args else path_keyword(node.keywords)
        step = last_step_of(node) if path[-1] in PIPELINES else None
        self.facts.calls.append(CallFact(path, kwargs, arg_roots_of(values), first, node_id in self.shown, self.stmt,
                                         step, node_id in self.used, displayed, node_id in self.computed))
        if self.loop_values:
            self._tried(node, path)

    def _tried(self, node: ast.Call, path: Path_) -> None:
        """A value of an enclosing `for` loop given to a call as it is (`for k in ks: KNN(n_neighbors=k)`):
        the call, the keyword it is given to ("" when positional) and the loop's name."""
        line = node.lineno
        looping = {name for name, last in self.loop_values if line <= last}
        if not looping:
            return
        given = [("", arg) for arg in node.args] + [(k.arg or "", k.value) for k in node.keywords]
        for keyword, value in given:
            if type(value) is ast.Name and value.id in looping:
                self.facts.tried.append((path, keyword, value.id, self.stmt))

    def _show(self, args: list[ast.expr]) -> None:
        """`print(...)`, `display(...)`: every call and attribute inside the arguments is looked at."""
        for arg in args[:MAX_ARG_ROOTS]:
            inside = [id(n) for n in ast.walk(arg) if isinstance(n, (ast.Call, ast.Attribute))]
            self.shown.update(inside)
            self.displayed.update(inside)
        self._display(args)

    def _mark_arguments(self, values: list[ast.expr], displayed: bool) -> None:
        """The arguments of a displayed call are looked at; those of any other call, or of one that
        changes its object in place and shows nothing (`df.fillna(df.median(), inplace=True)`), are used."""
        into = self.shown if displayed else self.used
        for arg in values:
            mark_chain(arg, into)
            if displayed:
                mark_chain(arg, self.displayed)

    def on_assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        value_path = path_of(value) if isinstance(value, (ast.Call, ast.Name, ast.Attribute, ast.Subscript)) else None
        hint = value_hint(value) if value_path else None
        for target in targets:
            self._bind(target, value_path, hint, value, isinstance(node, ast.AugAssign))
            if isinstance(target, ast.Name) and value_path and filters_itself(target.id, value):
                self.facts.filtered.append((target.id, self.stmt))

    def _bind(self, target: ast.AST, value_path: Path_ | None, hint: Path_ | None, value: ast.AST,
              augmented: bool) -> None:
        if isinstance(target, ast.Name):
            if not augmented:
                self.facts.assigns.append((target.id, value_path, hint, self.stmt))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, value_path, UNPACKED, value, augmented)
        elif isinstance(target, ast.Subscript):
            self.computed.update(id(n) for n in ast.walk(value) if isinstance(n, ast.Call))
            self._column(target, value, augmented)

    def _column(self, target: ast.Subscript, value: ast.AST, augmented: bool) -> None:
        """A column assigned. Of a column assigned in some rows only, what finishes a column the cell
        has just started (`df["alone"] = 0`, then `df.loc[df.family_size == 1, "alone"] = 1`); in
        a column that was there before, such rows are values filled or fixed."""
        rows = rows_of(target)
        key = column_key(target.slice if rows is None else target.slice.elts[1])
        frame = path_of(target.value if rows is None else target.value.value)
        if not key or frame is None or frame[0] == UNKNOWN:
            return
        which = column_kind(key, value, augmented, rows)
        if rows is not None and (which != "derive" or not any(
                column[:2] == (frame, key) for column in self.facts.columns)):
            return
        source = value.id if which == "set" and isinstance(value, ast.Name) else ""
        self.facts.columns.append((frame, key, which, self.stmt, source))

    def on_loop(self, node: ast.For | ast.AsyncFor | ast.comprehension) -> None:
        """A loop: what it iterates over (`test_loader`, also in `enumerate(tqdm(test_loader))`), and
        whether each item is one value rather than inputs unpacked with their labels."""
        self.on_operation(node)
        iterable, target = node.iter, node.target
        for _ in range(MAX_WRAPPERS):
            if type(iterable) is not ast.Call or type(iterable.func) is not ast.Name or not iterable.args:
                break
            if iterable.func.id == "enumerate" and type(target) is ast.Tuple and len(target.elts) == 2:
                target = target.elts[1]
            iterable = iterable.args[0]
        root = root_name(iterable)
        if root:
            self.facts.loops.append((root, type(target) is ast.Name, self.stmt))
        if type(target) is ast.Name and type(node) is not ast.comprehension:
            self.loop_values.append((target.id, node.end_lineno or node.lineno))

    def on_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name) and isinstance(item.context_expr, ast.Call):
                self.facts.assigns.append((item.optional_vars.id, path_of(item.context_expr), None, self.stmt))

    def on_class(self, node: ast.ClassDef) -> None:
        self.facts.names.add(node.name)
        bases = tuple(p for p in map(path_of, node.bases) if p)
        self.facts.classes.append((node.name, bases, self.stmt))
        self._decorators(node)

    def on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.facts.names.add(node.name)
        self.facts.defined.append((node.name, self.stmt, self.stmt + statements_in(node)))
        self._decorators(node)

    def _decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            if isinstance(decorator, (ast.Name, ast.Attribute)):
                path = path_of(decorator)
                if path:
                    self.facts.calls.append(CallFact(path, stmt=self.stmt))

    def on_attribute(self, node: ast.Attribute) -> None:
        self.facts.names.add(node.attr)
        self.inner.add(id(node.value))
        if id(node) in self.inner:
            return
        path = path_of(node)
        if path:
            if isinstance(node.ctx, ast.Load):
                self.facts.attributes.append((path, self.stmt, id(node) in self.shown))
            else:
                self.facts.stored.append((path, self.stmt))

    def on_arg(self, node: ast.arg) -> None:
        self.facts.names.add(node.arg)


def _read_magic(facts: CellFacts, depth: int, kind: str, node: ast.Call) -> None:
    """What IPython's magics and shell escapes (as `get_ipython()` calls) run: shell lines, magics, code."""
    args = [constant_text(a, MAX_PARSE_CHARS) for a in node.args]
    if kind == "shell":
        facts.shell.extend(line for line in (args[0] if args else "").splitlines() if line.strip())
    elif kind == "line" and args:
        _line_magic(facts, depth, args[0], args[1] if len(args) > 1 else "")
    elif kind == "cell" and args:
        _cell_magic(facts, depth, args[0], args[1] if len(args) > 1 else "", args[2] if len(args) > 2 else "")


def _line_magic(facts: CellFacts, depth: int, name: str, line: str) -> None:
    facts.magics.append((name, line))
    if name in _PYTHON_MAGICS:
        _nested(facts, depth, line)
    elif name in _SHELL_MAGICS or name in ("pip", "conda", "mamba"):
        facts.shell.append(line if name in _SHELL_MAGICS else f"{name} {line}")
    elif name not in _NON_CODE_MAGICS and line.strip():
        facts.foreign.append(line)


def _cell_magic(facts: CellFacts, depth: int, name: str, line: str, body: str) -> None:
    facts.magics.append((name, line))
    if name in _PYTHON_MAGICS:
        _nested(facts, depth, body)
    elif name in ("writefile", "file"):
        target = line.split()[-1] if line.split() else ""
        facts.files.append(target)
        if target.endswith(".py"):
            _nested(facts, depth, body)
    elif name in _SHELL_MAGICS:
        facts.shell.extend(ln for ln in body.splitlines() if ln.strip())
    elif name not in _NON_CODE_MAGICS and body.strip():
        facts.foreign.append(body[:MAX_SCAN_CHARS])


def _nested(facts: CellFacts, depth: int, text: str) -> None:
    if depth < MAX_MAGIC_DEPTH and text.strip():
        read_into(text, facts, depth + 1)


_SCALAR_FIELDS = frozenset({"ctx", "id", "attr", "name", "asname", "module", "level", "kind", "type_comment",
                            "arg", "conversion", "is_async"})
_NODE_KINDS: dict[type, tuple] = {}
# Fields in source order where the grammar's order differs: decorators come before a definition.
_SOURCE_ORDER = {ast.FunctionDef: ("decorator_list", "args", "returns", "body"),
                 ast.AsyncFunctionDef: ("decorator_list", "args", "returns", "body"),
                 ast.ClassDef: ("decorator_list", "bases", "keywords", "body")}


def _node_kind(kind: type) -> tuple:
    """(whether nodes of a type are statements, their handler, the fields that may hold child nodes,
    last first). Other values that reach the stack (None in `Dict.keys`, the names of `global`)
    are of kinds with no handler and no fields."""
    found = _NODE_KINDS.get(kind)
    if found is None:
        fields = getattr(kind, "_fields", ()) if issubclass(kind, ast.AST) and kind is not ast.Constant else ()
        fields = _SOURCE_ORDER.get(kind, fields)
        children = tuple(f for f in reversed(fields) if f not in _SCALAR_FIELDS)
        found = _NODE_KINDS[kind] = (issubclass(kind, ast.stmt), _HANDLERS.get(kind), children)
    return found


_HANDLERS = {
    ast.Expr: _Collector.on_expr,
    ast.Import: _Collector.on_import,
    ast.ImportFrom: _Collector.on_import_from,
    ast.Call: _Collector.on_call,
    ast.Assign: _Collector.on_assign,
    ast.AnnAssign: _Collector.on_assign,
    ast.AugAssign: _Collector.on_assign,
    ast.With: _Collector.on_with,
    ast.AsyncWith: _Collector.on_with,
    ast.ClassDef: _Collector.on_class,
    ast.FunctionDef: _Collector.on_function,
    ast.AsyncFunctionDef: _Collector.on_function,
    ast.Attribute: _Collector.on_attribute,
    ast.arg: _Collector.on_arg,
    **{kind: _Collector.on_operation for kind in OPERANDS},
    ast.Compare: _Collector.on_comparison,
    ast.BinOp: _Collector.on_comparison,
    ast.For: _Collector.on_loop,
    ast.AsyncFor: _Collector.on_loop,
    ast.comprehension: _Collector.on_loop,
}
