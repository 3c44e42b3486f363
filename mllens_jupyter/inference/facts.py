"""What one code cell does, as plain facts independent of the rest of the notebook.

Paths are tuples of names as written, with "()" after a call and "[]" after a subscript:
`pd.read_csv(f).head()` calls ("pd", "read_csv", "()", "head"). Every fact carries the number of the
statement it comes from (statements are numbered across the cell, nested ones included), so that a
cell's stages can be weighed by how many of its statements serve each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
