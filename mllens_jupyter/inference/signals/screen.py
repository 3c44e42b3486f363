"""Patterns screened by the literal words they require, so that most texts skip the regular expression."""

from __future__ import annotations

import re
import re._constants as _C
import re._parser as _sre_parse
from collections.abc import Iterator
from functools import lru_cache


class Screened:
    """A case-insensitive alternation of patterns (`parts`), searched only in texts holding one of the
    literal words every match must contain (found from the patterns themselves), and then only with
    the parts whose own words the text holds: most texts are ruled out by substring tests, and the
    regular expression run on the others is small. Matches are those of the whole alternation."""

    def __init__(self, pattern: re.Pattern, parts: list[str] | None = None) -> None:
        self.pattern = pattern
        self.required, self.others = requirements(pattern.pattern)
        self.parts = parts or [pattern.pattern]
        self._screen: ScreenSet | None = None
        self._part_patterns: list[Screened] = []

    def search(self, text: str) -> re.Match | None:
        required = self.required
        if required is None:
            return self.pattern.search(text)
        folded = _folded(text)
        for word in required:
            if word in folded:
                return self._search_parts(text)
        return None

    def _search_parts(self, text: str) -> re.Match | None:
        """The alternation's match: the leftmost of its parts' matches, the first part on a tie."""
        if len(self.parts) < 2:
            return self.pattern.search(text) if self.holds_others(text) else None
        if self._screen is None:
            self.prepare()
        best: re.Match | None = None
        for index in sorted(self._screen.candidates(text)):
            part = self._part_patterns[index]
            match = part.pattern.search(text) if part.holds_others(text) else None
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        return best

    def prepare(self) -> None:
        """Compile the parts' own patterns and screen now, not at the first text that needs them."""
        if self._screen is None and len(self.parts) > 1:
            self._part_patterns = [Screened(re.compile(part, self.pattern.flags)) for part in self.parts]
            self._screen = ScreenSet(self._part_patterns)

    def holds_others(self, text: str) -> bool:
        """Whether the text holds a word of each requirement of the pattern besides the screened one
        (`target (column|label)` needs "target", and "column" or "label")."""
        if not self.others:
            return True
        folded = _folded(text)
        return all(any(word in folded for word in group) for group in self.others)


class ScreenSet:
    """Which of several screened patterns a text may match, found by testing the text for each of
    their required words (plain substring tests, much faster than one regular expression of all the
    words); each pattern not ruled out still has to be searched. In a text short beside the number
    of words, only the words whose first three letters occur in it are tested."""

    def __init__(self, patterns: list[Screened]) -> None:
        self.always = frozenset(i for i, p in enumerate(patterns) if p.required is None)
        words = sorted({word for p in patterns if p.required for word in p.required})
        self.words = [(word, frozenset(i for i, p in enumerate(patterns) if p.required and word in p.required))
                      for word in words]
        self.by_start: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for word, found in self.words:
            self.by_start.setdefault(word[:MIN_REQUIRED_CHARS], []).append((word, found))
        self.starts = frozenset(self.by_start)

    def candidates(self, text: str) -> frozenset[int]:
        """Indexes of the patterns one of whose required words the text holds."""
        folded = _folded(text)
        found = set(self.always)
        for word, patterns in self._words_to_test(folded):
            if word in folded:
                found |= patterns
        return frozenset(found)

    def _words_to_test(self, folded: str) -> Iterator[tuple[str, frozenset[int]]]:
        if len(folded) > SHORT_TEXT_PER_WORD * len(self.words):
            return iter(self.words)
        width = MIN_REQUIRED_CHARS
        present = self.starts.intersection([folded[i:i + width] for i in range(len(folded) - width + 1)])
        return (entry for start in present for entry in self.by_start[start])


SHORT_TEXT_PER_WORD = 4  # a text is short when it has fewer characters than 4 per word to test


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    return text.casefold()


MIN_REQUIRED_CHARS = 3


def requirements(pattern: str) -> tuple[frozenset[str] | None, tuple[frozenset[str], ...]]:
    """What every match of `pattern` contains: case-folded words one of which it holds (the best
    requirement to screen texts by; None when none is known), and its other such requirements.
    Requirements holding a word shorter than MIN_REQUIRED_CHARS are left out."""
    try:
        groups = _requirements(_sre_parse.parse(pattern).data)
    except (re.error, RecursionError, TypeError, ValueError):
        return None, ()
    best = _best(groups)
    if best is None or min(map(len, best)) < MIN_REQUIRED_CHARS:
        return None, ()
    others = (group for group in groups if group is not best and min(map(len, group)) >= MIN_REQUIRED_CHARS)
    return _casefolded(best), tuple(map(_casefolded, others))


def _casefolded(words: set[str]) -> frozenset[str]:
    return frozenset(word.casefold() for word in words)


def _required(items: list) -> set[str] | None:
    """The best requirement of a sequence of parsed items: a run of literals or a required group."""
    return _best(_requirements(items))


def _best(groups: list[set[str]]) -> set[str] | None:
    """The requirement that rules out most texts: longest shortest word, then fewest words."""
    return max(groups, key=lambda words: (min(map(len, words)), -len(words)), default=None)


def _requirements(items: list) -> list[set[str]]:
    """The requirements of a sequence of parsed items: its runs of literals and its required groups."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is _C.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        found = _required_item(op, arg)
        if found:
            candidates.append(found)
    if run:
        candidates.append({"".join(run)})
    return candidates


def _required_item(op, arg) -> set[str] | None:
    if op is _C.SUBPATTERN:
        return _required(arg[-1].data)
    if op is _C.BRANCH:
        branches = [_required(branch.data) for branch in arg[1]]
        return None if any(b is None for b in branches) else set().union(*branches)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _required(arg[2].data)
    if op is _C.ATOMIC_GROUP:
        return _required(arg.data)
    return None
