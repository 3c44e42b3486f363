"""Reading a code cell: its source turned into facts (see `facts`), once per text.

A cell is parsed once: plain `ast.parse` first, and IPython's transformers only when that fails and
the cell may hold IPython syntax (see `ipython_syntax`). A cell that still does not parse (another
kernel's language, broken code) yields facts from a token scan (see `token_fallback`). Facts are
cached by source text, so stage inference and evidence share one parse; nothing here raises on any
input. Of an enormous cell only the first MAX_PARSE_CHARS characters (cut at a top-level line) are
read: what a cell does shows long before its ten-thousandth line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .ast_facts import read_into
from .facts import CACHE_SIZE, MAX_PARSE_CHARS, CellFacts
from .ipython_syntax import parse_warnings_silenced
from .token_fallback import scan_tokens


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
            read_into(head, facts, depth=0, transform=head is text)
        if facts.parsed and "<-" in head and _R_ASSIGNMENT.search(head):
            facts.foreign.append(head)
    else:
        scan_tokens(text, facts)
    return facts


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
