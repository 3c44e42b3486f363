"""A code cell's source turned into facts: imports, calls, assignments, names, strings, shell commands.

A cell is parsed once: plain `ast.parse` first, and IPython's TransformerManager only when that fails
and the cell may hold IPython syntax (`%pip`, `!ls`, `%%bash`, `obj?`). A cell that still does not
parse (another kernel's language, broken code) yields facts from a token scan. Facts are cached by
source text, so stage inference and evidence share one parse; nothing here raises on any input. Of an
enormous cell only the first MAX_PARSE_CHARS characters (cut at a top-level line) are read: what a
cell does shows long before its ten-thousandth line.

Paths are tuples of names as written, with "()" after a call and "[]" after a subscript:
`pd.read_csv(f).head()` calls ("pd", "read_csv", "()", "head"). Every fact carries the number of the
statement it comes from (statements are numbered across the cell, nested ones included), so that a
cell's stages can be weighed by how many of its statements serve each.
"""

from __future__ import annotations

import ast
import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from textwrap import dedent
from typing import NamedTuple

CALL, ITEM, UNKNOWN = "()", "[]", "?"
UNPACKED: tuple[str, ...] = ("*",)
MARKERS = (CALL, ITEM)
MAX_PATH = 24
MAX_STRINGS = 400
MAX_STRING_CHARS = 300
MAX_SCAN_CHARS = 100_000
MAX_PARSE_CHARS = 20_000
MAX_ARG_ROOTS = 8
MAX_MAGIC_DEPTH = 2
MAX_WRAPPERS = 3
CACHE_SIZE = 2048

Path_ = tuple[str, ...]


class CallFact(NamedTuple):
    """One call: its path, its keyword argument names, what its arguments are made of. (A named
    tuple: a cell can hold hundreds, and a frozen dataclass is three times slower to make.)"""

    path: Path_
    kwargs: tuple[str, ...] = ()
    arg_roots: tuple[str, ...] = ()
    first_arg: str = ""
    shown: bool = False
    stmt: int = 0
    last_step: Path_ | None = None
    used: bool = False
    displayed: bool = False
    computed: bool = False


@dataclass(slots=True)
class CellFacts:
    """What one cell's code does, as plain facts independent of the rest of the notebook."""

    parsed: bool = False
    statements: int = 0
    import_statements: int = 0
    lines: int = 0
    import_lines: int = 0
    literal_only: bool = False
    stmt_count: int = 0
    defined: list[tuple[str, int, int]] = field(default_factory=list)
    filtered: list[tuple[str, int]] = field(default_factory=list)
    imports: list[tuple[str, str, int]] = field(default_factory=list)
    star_imports: list[tuple[str, int]] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    assigns: list[tuple[str, Path_ | None, Path_ | None, int]] = field(default_factory=list)
    columns: list[tuple[Path_, str, str, int, str]] = field(default_factory=list)
    attributes: list[tuple[Path_, int, bool]] = field(default_factory=list)
    stored: list[tuple[Path_, int]] = field(default_factory=list)
    displays: list[tuple[Path_, int]] = field(default_factory=list)
    classes: list[tuple[str, tuple[Path_, ...], int]] = field(default_factory=list)
    loops: list[tuple[str, bool, int]] = field(default_factory=list)
    compared: list[tuple[str, int]] = field(default_factory=list)
    tried: list[tuple[Path_, str, str, int]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    strings: list[str] = field(default_factory=list)
    shell: list[str] = field(default_factory=list)
    magics: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    _haystack: str | None = None

    def haystack(self) -> str:
        """Identifiers, string literals, shell and magic lines, lower-cased: what keywords search."""
        if self._haystack is None:
            magic_lines = [f"%{name} {line}" for name, line in self.magics]
            parts = [*sorted(self.names), *self.strings, *self.shell, *magic_lines, *self.foreign]
            self._haystack = "\n".join(parts).lower()
        return self._haystack


def source_text(source: object) -> str:
    """A cell's `source` as one string, whatever it holds (str, list of str, bytes, None, junk)."""
    if isinstance(source, str):
        return source
    if isinstance(source, (list, tuple)):
        try:
            return "".join(source)
        except TypeError:
            return "".join(part for part in source if isinstance(part, str))
    if isinstance(source, (bytes, bytearray)):
        return bytes(source).decode("utf-8", "replace")
    return ""


def cell_facts(source: object, python: bool = True) -> CellFacts:
    """The facts of a code cell's source (cached by text; the result must not be modified).

    `python=False` (a notebook of another kernel's language) skips parsing and scans tokens only.
    """
    return _facts_for_text(source_text(source), python)


_R_ASSIGNMENT = re.compile(r"^[ \t]*[\w.]+[ \t]*<-[ \t]*\S", re.MULTILINE)


@lru_cache(maxsize=CACHE_SIZE)
def _facts_for_text(text: str, python: bool = True) -> CellFacts:
    facts = CellFacts()
    if not text or text.isspace():
        return facts
    if python:
        head = _head_of(text)
        with parse_warnings_silenced():
            _read_into(head, facts, depth=0, transform=head is text)
        if facts.parsed and "<-" in head and _R_ASSIGNMENT.search(head):
            facts.foreign.append(head)
    else:
        scan_tokens(text, facts)
    return facts


_SILENT = ("ignore", None, Warning, None, 0)


class parse_warnings_silenced:
    """Warnings of parsing cells (invalid escapes in their strings) silenced; entered once around
    many cells, it spares each cell its own `catch_warnings`."""

    def __enter__(self) -> None:
        self._caught = None
        if not warnings.filters or warnings.filters[0] != _SILENT:
            self._caught = warnings.catch_warnings()
            self._caught.__enter__()
            warnings.simplefilter("ignore")

    def __exit__(self, *raised: object) -> None:
        if self._caught is not None:
            self._caught.__exit__(*raised)


_TOP_LEVEL_LINE = re.compile(r"\n(?=[^\s#])")


def _head_of(text: str) -> str:
    """The text, or for an enormous cell its first MAX_PARSE_CHARS characters, cut before a
    top-level line (else at a line end)."""
    if len(text) <= MAX_PARSE_CHARS:
        return text
    cut = -1
    for match in _TOP_LEVEL_LINE.finditer(text, MAX_PARSE_CHARS // 2, MAX_PARSE_CHARS):
        cut = match.start()
    if cut < 0:
        cut = text.rfind("\n", MAX_PARSE_CHARS // 2, MAX_PARSE_CHARS)
    return text[:cut] if cut > 0 else text[:MAX_PARSE_CHARS]


def _read_into(text: str, facts: CellFacts, depth: int, transform: bool = True) -> None:
    tree = parse_cell(text, transform)
    if tree is None:
        scan_tokens(text, facts)
        return
    facts.parsed = facts.parsed or depth == 0
    try:
        _Collector(facts, depth).collect(tree)
    except (RecursionError, MemoryError):
        scan_tokens(text, facts)


_IPYTHON_SYNTAX = re.compile(r"^\s*[%!]|[!?]|^\s*>>>|^[ \t]+\S", re.MULTILINE)
# What IPython reads that `quick_transform` may not: magic assignments to subscripts
# (`d["x"] = !ls`), help and autocall escapes (`??obj`, `/f x`, `,f a b`, `;f a b`), and a `%` or
# `!` that continues a bracket or line. A cell without them that the quick transform read and that
# still does not parse is not Python (R code in a Python notebook): IPython would not help.
_BEYOND_QUICK = re.compile(r"=[ \t]*[!%]|^[ \t]*[,;/?]|[(\[{,\\][ \t]*\n[ \t]*[%!]", re.MULTILINE)


def parse_cell(text: str, transform: bool = True) -> ast.Module | None:
    """The cell as a Python module (IPython syntax transformed), or None when it does not parse.
    Warnings of the parse (invalid escapes) are the caller's to silence."""
    tree = _parse(text)
    if tree is None and transform and _IPYTHON_SYNTAX.search(text):
        quick = quick_transform(text)
        tree = _parse(quick) if quick is not None and quick != text else None
        if tree is not None or (quick is not None and not _BEYOND_QUICK.search(text)):
            return tree
        transformed = _transform(text)
        if transformed is not None and transformed != text:
            tree = _parse(transformed)
    return tree


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError, OverflowError):
        return None


@lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _transform(text: str) -> str | None:
    try:
        return _transformer().transform_cell(text)
    except Exception:  # IPython's transformer fails in many ways on broken input; the cell then goes to the scan
        return None


_CELL_MAGIC_HELP = re.compile(r"%%\w+\?")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_MAGIC_ASSIGNMENT = re.compile(r"([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)[ \t]*=[ \t]*([!%](?![%!=]).*)")
_PROMPT_MARKS = (">>>", "In [", "...:")


def quick_transform(text: str) -> str | None:
    """What IPython's `transform_cell` makes of the common cells, done without its tokenizer (which
    costs a millisecond a cell): a cell magic, or lines of line magics, shell commands and their
    assignments (`x = !ls`) between plain Python lines. None when the cell needs IPython's own
    reading (prompts, help `?`, a magic continued by a backslash, triple-quoted strings)."""
    text = _LEADING_BLANK_LINES.sub("", text)
    if not text or text[0].isspace() or any(mark in text for mark in _PROMPT_MARKS):
        return None
    cell = text if text.endswith("\n") else text + "\n"
    if cell.startswith("%%"):
        return None if _CELL_MAGIC_HELP.match(cell) else _cell_magic(cell)
    if '"""' in cell or "'''" in cell:
        return None
    return _escaped_lines(dedent(cell).splitlines(keepends=True))


def _escaped_lines(lines: list[str]) -> str | None:
    continued = False
    for number, line in enumerate(lines):
        stripped = line.rstrip()
        if stripped.endswith("?"):
            return None
        escaped = None if continued else _escaped_line(stripped)
        if escaped == "":
            return None
        continued = stripped.endswith("\\")
        if escaped is not None:
            if continued:
                return None
            lines[number] = escaped + "\n"
    return "".join(lines)


def _escaped_line(line: str) -> str | None:
    """A line magic or shell line as IPython writes it; None for a Python line, "" for a line
    IPython must read itself."""
    code = line.lstrip(" \t")
    indent = line[: len(line) - len(code)]
    if code[:1] in ("%", "!"):
        if code[:2] in ("%%", "!!") or (code[0] == "%" and code[1:2].isspace()) or not code[1:].strip():
            return ""
        return indent + _escaped(code)
    assigned = _MAGIC_ASSIGNMENT.fullmatch(code)
    if assigned is None:
        return None
    targets, command = assigned.groups()
    return f"{indent}{targets} = {_escaped(command, 'getoutput')}" if command[1:].strip() else ""


def _escaped(code: str, shell: str = "system") -> str:
    if code[0] == "!":
        return f"get_ipython().{shell}({code[1:]!r})"
    name, _, args = code[1:].partition(" ")
    return f"get_ipython().run_line_magic({name!r}, {args!r})"


def _cell_magic(cell: str) -> str:
    lines = dedent(cell).splitlines(keepends=True)
    name, _, first_line = lines[0][2:].rstrip().partition(" ")
    return "get_ipython().run_cell_magic(%r, %r, %r)\n" % (name, first_line, "".join(lines[1:]))


_IDENTITY_CALLS = frozenset({"clone", "deepcopy", "copy"})


def _identity_argument(node: ast.Call) -> ast.expr | None:
    """x of `clone(x)`, `copy.deepcopy(x)`: calls that return a copy of their argument."""
    func = node.func
    name = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""
    if name in _IDENTITY_CALLS and len(node.args) == 1 and not node.keywords:
        return node.args[0]
    return None


def path_of(node: ast.AST) -> Path_ | None:
    """The dotted path of an expression (`a.b().c[0].d` -> a, b, (), c, [], d); None when too long.
    A copy is its original: `clone(model).fit` is `model.fit`."""
    parts: list[str] = []
    while len(parts) <= MAX_PATH:
        kind = type(node)
        if kind is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        elif kind is ast.Call:
            copied = _identity_argument(node)
            if copied is not None:
                node = copied
                continue
            parts.append(CALL)
            node = node.func
        elif kind is ast.Subscript:
            parts.append(ITEM)
            node = node.value
        elif kind is ast.Name:
            parts.append(node.id)
            return tuple(reversed(parts))
        else:
            parts.append(UNKNOWN)
            return tuple(reversed(parts))
    return None


def _operands(node: ast.AST) -> list[ast.AST]:
    kind = type(node)
    if kind is ast.Name or kind is ast.Call or kind is ast.Attribute or kind is ast.Constant:
        return [node]
    if kind is ast.JoinedStr:
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if kind is ast.BinOp:
        return [node.left, node.right]
    if kind is ast.Compare:
        return [node.left, *node.comparators]
    if kind is ast.List or kind is ast.Tuple:
        return list(node.elts)
    if kind is ast.Dict:
        return [item for value in node.values for item in _listed(value)]
    return [node]


def _listed(node: ast.AST) -> list[ast.AST]:
    """The items of a list or tuple literal (a column of a table given as a dict), else the node."""
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else [node]


def _first_argument(node: ast.AST) -> str:
    """What a call's first argument is named by: its text, its root, or those of the first item of a
    list or tuple of inputs (`model.predict([X_test_text, X_test_meta])`)."""
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        node = node.elts[0]
    return _constant_text(node) or _root_name(node) or ""


_PATH_KEYWORDS = frozenset({"path", "local_path", "filepath", "file_path", "filename", "Filename"})


def _path_keyword(keywords: list[ast.keyword]) -> str:
    """The file a call given no positional argument names by keyword (`upload_data(path="model.tar.gz")`):
    what it is called on, as a first argument would be."""
    for keyword in keywords:
        if keyword.arg in _PATH_KEYWORDS:
            return _first_argument(keyword.value)
    return ""


def _operation_under(node: ast.AST) -> ast.AST | None:
    """The operation or comparison a chain of calls, attributes and indexes starts from:
    `(preds == y).mean()`, `(a - b).abs().max()`."""
    for _ in range(MAX_PATH):
        kind = type(node)
        if kind is ast.Attribute or kind is ast.Subscript:
            node = node.value
        elif kind is ast.Call:
            node = node.func
        else:
            return node if kind is ast.BinOp or kind is ast.Compare else None
    return None


def _arg_roots(values: list[ast.expr]) -> tuple[str, ...]:
    """The names arguments are made of: their roots, the operands of an operation or comparison
    (also one a chain starts from), the values of an f-string, the first argument of a call
    (`np.where(preds > 0.5, 1, 0)`)."""
    roots: list[str] = []
    for arg in values:
        operands = _operands(arg)
        kind = type(arg)
        if kind is ast.Call and arg.args:
            operands.extend(_operands(arg.args[0]))
        if kind is ast.Call or kind is ast.Attribute or kind is ast.Subscript:
            operation = _operation_under(arg)
            if operation is not None:
                operands.extend(_operands(operation))
        roots.extend(name for name in map(_root_name, operands) if name)
    return tuple(roots)


def _root_name(node: ast.AST) -> str | None:
    """The name a path starts from (`path_of(node)[0]`), found without making the path."""
    depth = 0
    while depth <= MAX_PATH:
        kind = type(node)
        if kind is ast.Name:
            return node.id
        if kind is ast.Attribute or kind is ast.Subscript:
            node = node.value
        elif kind is ast.Call:
            copied = _identity_argument(node)
            node = node.func if copied is None else copied
            depth -= copied is not None
        else:
            return None
        depth += 1
    return None


def _constant_text(node: ast.AST, limit: int = MAX_STRING_CHARS) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value[:limit]
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


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


_PIPELINES = frozenset({"Pipeline", "make_pipeline"})
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
        spans = [(isinstance(s, (ast.Import, ast.ImportFrom)), _span(s)) for s in body]
        facts.lines += sum(span for _, span in spans)
        facts.import_lines += sum(span for is_import, span in spans if is_import)
        settings = [s for s in body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        facts.literal_only = bool(settings) and all(map(_assigns_literal, settings))

    def _display(self, values: list[ast.expr]) -> None:
        """Objects shown: a name, attribute or index, or the operands of an operation a chain
        starts from (`(preds > 0.5).mean()` shows preds)."""
        for value in values[:MAX_ARG_ROOTS]:
            if isinstance(value, ast.Call):
                operation = _operation_under(value)
                if operation is None:
                    continue
                self._display([v for v in _operands(operation) if not isinstance(v, (ast.BinOp, ast.Compare))])
            elif isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
                path = path_of(value)
                if path:
                    self.facts.displays.append((path, self.stmt))

    def _mark_shown(self, node: ast.AST) -> None:
        _mark_chain(node, self.shown)

    def on_operation(self, node: ast.AST) -> None:
        """Operands of a comparison or arithmetic, conditions, indexes and loop iterables are used in
        a computation, not looked at."""
        for child in _OPERANDS.get(type(node), _no_operands)(node):
            _mark_chain(child, self.used)

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
            root = _root_name(operand)
            if root:
                self.facts.compared.append((root, self.stmt))

    def on_expr(self, node: ast.Expr) -> None:
        self._mark_shown(node.value)
        if node is self.last:
            value = node.value
            _mark_chain(value, self.displayed)
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
            self._magic(magic, node)
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
        first = _first_argument(node.args[0]) if node.args else _path_keyword(node.keywords)
        step = _last_step(node) if path[-1] in _PIPELINES else None
        self.facts.calls.append(CallFact(path, kwargs, _arg_roots(values), first, node_id in self.shown, self.stmt,
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
            _mark_chain(arg, into)
            if displayed:
                _mark_chain(arg, self.displayed)

    def _magic(self, kind: str, node: ast.Call) -> None:
        args = [_constant_text(a, MAX_PARSE_CHARS) for a in node.args]
        if kind == "shell":
            self.facts.shell.extend(line for line in (args[0] if args else "").splitlines() if line.strip())
        elif kind == "line" and args:
            self._line_magic(args[0], args[1] if len(args) > 1 else "")
        elif kind == "cell" and args:
            self._cell_magic(args[0], args[1] if len(args) > 1 else "", args[2] if len(args) > 2 else "")

    def _line_magic(self, name: str, line: str) -> None:
        self.facts.magics.append((name, line))
        if name in _PYTHON_MAGICS:
            self._nested(line)
        elif name in _SHELL_MAGICS or name in ("pip", "conda", "mamba"):
            self.facts.shell.append(line if name in _SHELL_MAGICS else f"{name} {line}")
        elif name not in _NON_CODE_MAGICS and line.strip():
            self.facts.foreign.append(line)

    def _cell_magic(self, name: str, line: str, body: str) -> None:
        self.facts.magics.append((name, line))
        if name in _PYTHON_MAGICS:
            self._nested(body)
        elif name in ("writefile", "file"):
            target = line.split()[-1] if line.split() else ""
            self.facts.files.append(target)
            if target.endswith(".py"):
                self._nested(body)
        elif name in _SHELL_MAGICS:
            self.facts.shell.extend(ln for ln in body.splitlines() if ln.strip())
        elif name not in _NON_CODE_MAGICS and body.strip():
            self.facts.foreign.append(body[:MAX_SCAN_CHARS])

    def _nested(self, text: str) -> None:
        if self.depth < MAX_MAGIC_DEPTH and text.strip():
            _read_into(text, self.facts, self.depth + 1)

    def on_assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        value_path = path_of(value) if isinstance(value, (ast.Call, ast.Name, ast.Attribute, ast.Subscript)) else None
        hint = _value_hint(value) if value_path else None
        for target in targets:
            self._bind(target, value_path, hint, value, isinstance(node, ast.AugAssign))
            if isinstance(target, ast.Name) and value_path and _filters(target.id, value):
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
        rows = _rows_of(target)
        key = _column_key(target.slice if rows is None else target.slice.elts[1])
        frame = path_of(target.value if rows is None else target.value.value)
        if not key or frame is None or frame[0] == UNKNOWN:
            return
        which = _column_kind(key, value, augmented, rows)
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
        root = _root_name(iterable)
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
        self.facts.defined.append((node.name, self.stmt, self.stmt + _statements_in(node)))
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


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements_in(node: ast.AST) -> int:
    """The statements of a compound statement, itself included (expressions are not visited)."""
    count, stack = 0, [node]
    while stack:
        node = stack.pop()
        count += isinstance(node, ast.stmt)
        for name in _BODIES:
            stack.extend(getattr(node, name, ()))
    return count


def _span(statement: ast.stmt) -> int:
    end = getattr(statement, "end_lineno", None) or statement.lineno
    return max(1, end - statement.lineno + 1)


def _mark_chain(node: ast.AST, into: set[int]) -> None:
    """Mark a call chain (`df.a().b[0].c()`): its calls, attributes and subscripts."""
    kind = type(node)
    while kind is ast.Call or kind is ast.Attribute or kind is ast.Subscript:
        into.add(id(node))
        node = node.func if kind is ast.Call else node.value
        kind = type(node)


def _no_operands(node: ast.AST) -> list:
    return []


_OPERANDS = {
    ast.Compare: lambda n: [n.left, *n.comparators],
    ast.BinOp: lambda n: [n.left, n.right],
    ast.BoolOp: lambda n: n.values,
    ast.UnaryOp: lambda n: [n.operand],
    ast.If: lambda n: [n.test],
    ast.While: lambda n: [n.test],
    ast.IfExp: lambda n: [n.test],
    ast.For: lambda n: [n.iter],
    ast.comprehension: lambda n: [n.iter, *n.ifs],
    ast.Subscript: lambda n: [n.slice],
    ast.Assert: lambda n: [n.test],
    ast.Dict: lambda n: n.values,
    ast.List: lambda n: n.elts,
    ast.Tuple: lambda n: n.elts,
    ast.Set: lambda n: n.elts,
}


def _filters(name: str, value: ast.AST) -> bool:
    """`df = df[df.x > 0]`, `df = df.loc[mask]`, `df = df.iloc[1:]`: a frame replaced by part of itself."""
    if not isinstance(value, ast.Subscript):
        return False
    frame = value.value
    if isinstance(frame, ast.Attribute) and frame.attr in ("loc", "iloc"):
        frame = frame.value
    return isinstance(frame, ast.Name) and frame.id == name and not isinstance(value.slice, ast.Constant)


def _last_step(node: ast.Call) -> Path_ | None:
    """The path of the constructor of a pipeline's last step: `Pipeline([..., ("m", Model())])`,
    `make_pipeline(..., Model())`."""
    steps = [k.value for k in node.keywords if k.arg == "steps"]
    step: ast.AST | None = node.args[-1] if node.args else steps[0] if steps else None
    if isinstance(step, (ast.List, ast.Tuple)) and step.elts:
        step = step.elts[-1]
        if isinstance(step, (ast.Tuple, ast.List)) and len(step.elts) >= 2:
            step = step.elts[1]
    return path_of(step.func) if isinstance(step, ast.Call) else None


def _value_hint(value: ast.AST) -> Path_ | None:
    """What else an assigned value tells of its kind: a pipeline's last step, or the first argument
    of a call (a notebook's own function called on a dataframe returns a dataframe)."""
    if not isinstance(value, ast.Call):
        return None
    name = path_of(value.func)
    if name and name[-1] in _PIPELINES:
        return _last_step(value)
    if value.args and isinstance(value.args[0], (ast.Name, ast.Attribute, ast.Subscript)):
        return path_of(value.args[0])
    return None


def _column_key(node: ast.AST) -> str:
    """The name of a column assigned: its text, or that of a name built from a string and a
    variable (`df[col + "_count"]` is `{col}_count`; `d[key]` may be any container's item)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_constant_text(part) or ("{" + part.id + "}" if isinstance(part, ast.Name) else "")
                 for part in (node.left, node.right)]
        built = all(parts) and any(not part.startswith("{") for part in parts)
        return "".join(parts) if built else ""
    return _constant_text(node)


_LABELLED_ROWS = frozenset({"loc", "at"})


def _rows_of(target: ast.Subscript) -> ast.expr | None:
    """The condition choosing the rows of an assignment to some rows of one column
    (`df.loc[df.age > 60, "age"] = 60`)."""
    frame, key = target.value, target.slice
    if type(frame) is ast.Attribute and frame.attr in _LABELLED_ROWS and type(key) is ast.Tuple and len(key.elts) == 2:
        return key.elts[0]
    return None


def _column_kind(key: str, value: ast.AST, augmented: bool, rows: ast.expr | None = None) -> str:
    """How a column is assigned: "rewrite" (from itself), "derive" (computed from other columns),
    "constant", or "set" (from a variable: predictions, ids, a target put back). Rows chosen by a
    condition (`df.loc[df.fare.isnull(), "fare"] = 0`) are part of what the column is computed from."""
    nodes = list(ast.walk(value))
    if rows is not None:
        nodes += ast.walk(rows)
    if augmented or any(isinstance(n, ast.Constant) and _constant_text(n) == key for n in nodes) or \
            any(isinstance(n, ast.Subscript) and _column_key(n.slice) == key for n in nodes):
        return "rewrite"
    if isinstance(value, ast.Constant) and rows is None:
        return "constant"
    functions = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    if any(_reads_column(n, functions) for n in nodes):
        return "derive"
    return "set"


def _reads_column(node: ast.AST, functions: set[int]) -> bool:
    """`df["a"]`, `df[["a", "b"]]`, `df[cols]`, `df.a`, `df["d"].dt.month`: columns read (a method
    called, `preds[:, 1]` or `f[:n]` are not)."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, (ast.List, ast.Tuple)):
            return bool(key.elts) and all(_constant_text(e) for e in key.elts)
        return isinstance(key, ast.Name) or bool(_constant_text(key))
    return isinstance(node, ast.Attribute) and id(node) not in functions


_PATH_CALLS = frozenset({("Path",), ("os", "path", "join"), ("pathlib", "Path"), ("os", "getenv"), ("int",),
                         ("float",), ("str",), ("range",), ("dict",), ("list",), ("set",), ("tuple",),
                         ("datetime",), ("date",), ("timedelta",), ("datetime", "datetime"), ("datetime", "date"),
                         ("datetime", "timedelta")})


def _assigns_literal(statement: ast.stmt) -> bool:
    """An assignment of a literal value (a path, a size, a list of names), or such assignments chosen
    by a condition (`if DEBUG: N_ROWS = 1000`): configuration; not one into some rows of a table
    (`df.loc[df.age > 60, "age"] = 60`), which changes data."""
    if isinstance(statement, ast.If):
        return all(map(_assigns_literal, statement.body + statement.orelse))
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if any(type(target) is ast.Subscript and _rows_of(target) is not None for target in targets):
        return False
    return _literal(statement.value, depth=0)


def _literal(node: ast.AST, depth: int) -> bool:
    if depth > 8:
        return False
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_literal(e, depth + 1) for e in node.elts[:200])
    if isinstance(node, ast.Dict):
        return all(v is not None and _literal(v, depth + 1) for v in node.values[:200])
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand, depth + 1)
    if isinstance(node, ast.BinOp):
        return all(isinstance(n, ast.Name) or _literal(n, depth + 1) for n in (node.left, node.right))
    if isinstance(node, ast.Call) and (path_of(node.func) in _PATH_CALLS or _formats_a_string(node)):
        return all(isinstance(a, ast.Name) or _literal(a, depth + 1) for a in node.args)
    return False


def _formats_a_string(node: ast.Call) -> bool:
    """`"s3://{}/{}".format(bucket, prefix)`."""
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant)


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
    **{kind: _Collector.on_operation for kind in _OPERANDS},
    ast.Compare: _Collector.on_comparison,
    ast.BinOp: _Collector.on_comparison,
    ast.For: _Collector.on_loop,
    ast.AsyncFor: _Collector.on_loop,
    ast.comprehension: _Collector.on_loop,
}

_IMPORT_LINE = re.compile(r"^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?", re.MULTILINE)
_FROM_LINE = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w \t,]+)", re.MULTILINE)
_CALL_TOKEN = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*){0,8})[ \t]*\(")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_STRING = re.compile(r"""["']([^"'\n]{1,300})["']""")
_BANG = re.compile(r"^[ \t]*!(.+)$", re.MULTILINE)
_PERCENT = re.compile(r"^[ \t]*%{1,2}(\w+)[ \t]*(.*)$", re.MULTILINE)
_NEWLINE = re.compile(r"\n")
MAX_TOKENS = 5000


def scan_tokens(text: str, facts: CellFacts) -> None:
    """Facts from the raw text of a cell that does not parse: import lines, call-like tokens, words.
    Each line counts as a statement."""
    text = text[:MAX_SCAN_CHARS]
    base = facts.stmt_count
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    facts.stmt_count += len(line_starts)

    def stmt_at(offset: int) -> int:
        return base + bisect_right(line_starts, offset) - 1

    facts.foreign.append(text)
    for match in _IMPORT_LINE.finditer(text):
        module, alias = match.groups()
        facts.modules.append(module)
        facts.imports.append((alias or module.split(".")[0], module if alias else module.split(".")[0],
                              stmt_at(match.start())))
    for match in _FROM_LINE.finditer(text):
        module, names = match.groups()
        for name in (n.split()[0] for n in names.split(",") if n.split()):
            facts.imports.append((name, f"{module}.{name}", stmt_at(match.start())))
            facts.modules.append(f"{module}.{name}")
    for match in _CALL_TOKEN.finditer(text):
        if len(facts.calls) >= MAX_TOKENS:
            break
        facts.calls.append(CallFact(tuple(p.strip() for p in match.group(1).split(".")), stmt=stmt_at(match.start())))
    facts.names.update(m.group(0) for _, m in zip(range(MAX_TOKENS), _IDENTIFIER.finditer(text)))
    facts.strings.extend(m.group(1) for _, m in zip(range(MAX_STRINGS), _STRING.finditer(text)))
    facts.shell.extend(_BANG.findall(text))
    facts.magics.extend(_PERCENT.findall(text))
