"""IPython syntax (`%pip`, `!ls`, `%%bash`, `obj?`) turned into Python before a cell is parsed."""

from __future__ import annotations

import ast
import re
import warnings
from functools import lru_cache
from textwrap import dedent


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
