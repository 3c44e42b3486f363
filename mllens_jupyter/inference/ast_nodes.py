"""What the AST reader asks of single nodes: paths, roots of arguments, columns, literals."""

from __future__ import annotations

import ast

from .facts import CALL, ITEM, MAX_PATH, MAX_STRING_CHARS, UNKNOWN, Path_


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


def operands_of(node: ast.AST) -> list[ast.AST]:
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


def first_argument(node: ast.AST) -> str:
    """What a call's first argument is named by: its text, its root, or those of the first item of a
    list or tuple of inputs (`model.predict([X_test_text, X_test_meta])`)."""
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        node = node.elts[0]
    return constant_text(node) or root_name(node) or ""


_PATH_KEYWORDS = frozenset({"path", "local_path", "filepath", "file_path", "filename", "Filename"})


def path_keyword(keywords: list[ast.keyword]) -> str:
    """The file a call given no positional argument names by keyword (`upload_data(path="model.tar.gz")`):
    what it is called on, as a first argument would be."""
    for keyword in keywords:
        if keyword.arg in _PATH_KEYWORDS:
            return first_argument(keyword.value)
    return ""


def operation_under(node: ast.AST) -> ast.AST | None:
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


def arg_roots_of(values: list[ast.expr]) -> tuple[str, ...]:
    """The names arguments are made of: their roots, the operands of an operation or comparison
    (also one a chain starts from), the values of an f-string, the first argument of a call
    (`np.where(preds > 0.5, 1, 0)`)."""
    roots: list[str] = []
    for arg in values:
        operands = operands_of(arg)
        kind = type(arg)
        if kind is ast.Call and arg.args:
            operands.extend(operands_of(arg.args[0]))
        if kind is ast.Call or kind is ast.Attribute or kind is ast.Subscript:
            operation = operation_under(arg)
            if operation is not None:
                operands.extend(operands_of(operation))
        roots.extend(name for name in map(root_name, operands) if name)
    return tuple(roots)


def root_name(node: ast.AST) -> str | None:
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


def constant_text(node: ast.AST, limit: int = MAX_STRING_CHARS) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value[:limit]
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


PIPELINES = frozenset({"Pipeline", "make_pipeline"})


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def statements_in(node: ast.AST) -> int:
    """The statements of a compound statement, itself included (expressions are not visited)."""
    count, stack = 0, [node]
    while stack:
        node = stack.pop()
        count += isinstance(node, ast.stmt)
        for name in _BODIES:
            stack.extend(getattr(node, name, ()))
    return count


def line_span(statement: ast.stmt) -> int:
    end = getattr(statement, "end_lineno", None) or statement.lineno
    return max(1, end - statement.lineno + 1)


def mark_chain(node: ast.AST, into: set[int]) -> None:
    """Mark a call chain (`df.a().b[0].c()`): its calls, attributes and subscripts."""
    kind = type(node)
    while kind is ast.Call or kind is ast.Attribute or kind is ast.Subscript:
        into.add(id(node))
        node = node.func if kind is ast.Call else node.value
        kind = type(node)


def no_operands(node: ast.AST) -> list:
    return []


OPERANDS = {
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


def filters_itself(name: str, value: ast.AST) -> bool:
    """`df = df[df.x > 0]`, `df = df.loc[mask]`, `df = df.iloc[1:]`: a frame replaced by part of itself."""
    if not isinstance(value, ast.Subscript):
        return False
    frame = value.value
    if isinstance(frame, ast.Attribute) and frame.attr in ("loc", "iloc"):
        frame = frame.value
    return isinstance(frame, ast.Name) and frame.id == name and not isinstance(value.slice, ast.Constant)


def last_step_of(node: ast.Call) -> Path_ | None:
    """The path of the constructor of a pipeline's last step: `Pipeline([..., ("m", Model())])`,
    `make_pipeline(..., Model())`."""
    steps = [k.value for k in node.keywords if k.arg == "steps"]
    step: ast.AST | None = node.args[-1] if node.args else steps[0] if steps else None
    if isinstance(step, (ast.List, ast.Tuple)) and step.elts:
        step = step.elts[-1]
        if isinstance(step, (ast.Tuple, ast.List)) and len(step.elts) >= 2:
            step = step.elts[1]
    return path_of(step.func) if isinstance(step, ast.Call) else None


def value_hint(value: ast.AST) -> Path_ | None:
    """What else an assigned value tells of its kind: a pipeline's last step, or the first argument
    of a call (a notebook's own function called on a dataframe returns a dataframe)."""
    if not isinstance(value, ast.Call):
        return None
    name = path_of(value.func)
    if name and name[-1] in PIPELINES:
        return last_step_of(value)
    if value.args and isinstance(value.args[0], (ast.Name, ast.Attribute, ast.Subscript)):
        return path_of(value.args[0])
    return None


def column_key(node: ast.AST) -> str:
    """The name of a column assigned: its text, or that of a name built from a string and a
    variable (`df[col + "_count"]` is `{col}_count`; `d[key]` may be any container's item)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [constant_text(part) or ("{" + part.id + "}" if isinstance(part, ast.Name) else "")
                 for part in (node.left, node.right)]
        built = all(parts) and any(not part.startswith("{") for part in parts)
        return "".join(parts) if built else ""
    return constant_text(node)


_LABELLED_ROWS = frozenset({"loc", "at"})


def rows_of(target: ast.Subscript) -> ast.expr | None:
    """The condition choosing the rows of an assignment to some rows of one column
    (`df.loc[df.age > 60, "age"] = 60`)."""
    frame, key = target.value, target.slice
    if type(frame) is ast.Attribute and frame.attr in _LABELLED_ROWS and type(key) is ast.Tuple and len(key.elts) == 2:
        return key.elts[0]
    return None


def column_kind(key: str, value: ast.AST, augmented: bool, rows: ast.expr | None = None) -> str:
    """How a column is assigned: "rewrite" (from itself), "derive" (computed from other columns),
    "constant", or "set" (from a variable: predictions, ids, a target put back). Rows chosen by a
    condition (`df.loc[df.fare.isnull(), "fare"] = 0`) are part of what the column is computed from."""
    nodes = list(ast.walk(value))
    if rows is not None:
        nodes += ast.walk(rows)
    if augmented or any(isinstance(n, ast.Constant) and constant_text(n) == key for n in nodes) or \
            any(isinstance(n, ast.Subscript) and column_key(n.slice) == key for n in nodes):
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
            return bool(key.elts) and all(constant_text(e) for e in key.elts)
        return isinstance(key, ast.Name) or bool(constant_text(key))
    return isinstance(node, ast.Attribute) and id(node) not in functions


_PATH_CALLS = frozenset({("Path",), ("os", "path", "join"), ("pathlib", "Path"), ("os", "getenv"), ("int",),
                         ("float",), ("str",), ("range",), ("dict",), ("list",), ("set",), ("tuple",),
                         ("datetime",), ("date",), ("timedelta",), ("datetime", "datetime"), ("datetime", "date"),
                         ("datetime", "timedelta")})


def assigns_literal(statement: ast.stmt) -> bool:
    """An assignment of a literal value (a path, a size, a list of names), or such assignments chosen
    by a condition (`if DEBUG: N_ROWS = 1000`): configuration; not one into some rows of a table
    (`df.loc[df.age > 60, "age"] = 60`), which changes data."""
    if isinstance(statement, ast.If):
        return all(map(assigns_literal, statement.body + statement.orelse))
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None:
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if any(type(target) is ast.Subscript and rows_of(target) is not None for target in targets):
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
