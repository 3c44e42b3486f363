"""Facts of a cell that does not parse (another kernel's language, broken code), from its tokens."""

from __future__ import annotations

import re
from bisect import bisect_right

from .facts import MAX_SCAN_CHARS, MAX_STRINGS, CallFact, CellFacts


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
