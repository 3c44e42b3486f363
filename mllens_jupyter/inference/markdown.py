"""Markdown cells read for stages: headings (ATX, setext, HTML) and the text around them.

Headings name the stage of the section they open; body text is where business goals and problem
framing show, since code never does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .signals import ScreenSet, Signals, remember

MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 200

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_EMPTY_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]{0,500}>")
_MARKS = frozenset("#`~=-")  # the first character (after spaces) of a fence, heading or underline
_MARKED_LINE = re.compile(r"^ *[#`~=-]", re.MULTILINE)


class Heading(NamedTuple):
    level: int
    title: str


class MarkdownFacts(NamedTuple):
    headings: tuple[Heading, ...]
    body: str


def plain(text: str) -> str:
    """Markdown inline syntax and HTML tags removed, whitespace collapsed."""
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(" ", text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    return " ".join(text.replace("*", "").replace("_", "").replace("`", "").split())


@lru_cache(maxsize=2048)
def markdown_facts(text: str) -> MarkdownFacts:
    """The headings of a markdown cell, in order, and its other text."""
    lines = text[:MAX_TEXT_CHARS].splitlines()
    joined = "\n".join(lines)
    if _MARKED_LINE.search(joined) is None:
        return _with_html_headings([], joined)
    headings: list[Heading] = []
    body: list[str] = []
    in_fence = False
    previous = ""
    for line in lines:
        if line.lstrip(" ")[:1] not in _MARKS:
            if not in_fence:
                body.append(line)
                previous = line
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            previous = ""
            continue
        if in_fence:
            continue
        heading = _line_heading(line, previous)
        if heading == "setext" and body:
            level = 1 if line.strip().startswith("=") else 2
            headings.append(Heading(level, plain(body.pop())[:MAX_TITLE_CHARS]))
        elif isinstance(heading, Heading):
            headings.append(heading)
        elif heading is None:
            body.append(line)
        previous = line if heading is None else ""
    return _with_html_headings(headings, "\n".join(body))


def _with_html_headings(headings: list[Heading], body_text: str) -> MarkdownFacts:
    if "<" in body_text:
        for level, inner in _HTML_HEADING.findall(body_text):
            headings.append(Heading(int(level), plain(inner)[:MAX_TITLE_CHARS]))
        body_text = _HTML_HEADING.sub(" ", body_text)
    return MarkdownFacts(tuple(h for h in headings if h.title), plain(body_text))


def _line_heading(line: str, previous: str) -> Heading | str | None:
    match = _ATX.match(line)
    if match:
        return Heading(len(match.group(1)), plain(match.group(2))[:MAX_TITLE_CHARS])
    if _EMPTY_ATX.match(line):
        return "empty"
    if previous.strip() and _SETEXT.match(line) and not _ATX.match(previous):
        return "setext"
    return None


def heading_stages(title: str, signals: Signals) -> dict[str, float]:
    """Stage -> weight named by a heading; generic rules count only when no specific rule matches;
    a stage takes over the stages its section lists in `over` ("Model quality on live data" is
    monitoring, not evaluation)."""
    key = ("heading", title)
    if key not in signals.memo:
        remember(signals.memo, key, _heading_stages(title, signals))
    return dict(signals.memo[key])


def _heading_rules(signals: Signals) -> tuple[list, list, ScreenSet]:
    """The heading rules (specific ones, generic ones) and the screen of all their patterns."""
    key = ("heading rules",)
    if key not in signals.memo:
        indexed = list(enumerate(signals.headings))
        signals.memo[key] = ([(i, p, r) for i, (p, r, generic) in indexed if not generic],
                             [(i, p, r) for i, (p, r, generic) in indexed if generic],
                             ScreenSet([p for p, _, _ in signals.headings]))
    return signals.memo[key]


def _heading_stages(title: str, signals: Signals) -> dict[str, float]:
    specific, generic, screen = _heading_rules(signals)
    candidates = screen.candidates(title)
    found = _matches(title, [(p, r) for i, p, r in specific if i in candidates])
    found = found or _matches(title, [(p, r) for i, p, r in generic if i in candidates])
    for stage in list(found):
        section = signals.sections.get(stage)
        if section is not None and stage in found:
            for other in section.over:
                found.pop(other, None)
    return found


def text_stages(body: str, signals: Signals) -> dict[str, tuple[float, str]]:
    """Stage -> (weight, the words that say so) found in the text of a markdown cell."""
    key = ("text", body)
    if key not in signals.memo:
        remember(signals.memo, key, _text_stages(body, signals))
    return dict(signals.memo[key])


def _text_stages(body: str, signals: Signals) -> dict[str, tuple[float, str]]:
    found: dict[str, tuple[float, str]] = {}
    for pattern, rule in signals.text if body else ():
        if rule.weight > found.get(rule.stage, (0.0, ""))[0]:
            match = pattern.search(body)
            if match:
                found[rule.stage] = (rule.weight, " ".join(match.group(0).split())[:80])
    return found


def _matches(text: str, rules: list) -> dict[str, float]:
    found: dict[str, float] = {}
    for pattern, rule in rules:
        if rule.weight > found.get(rule.stage, 0.0) and pattern.pattern.search(text):
            found[rule.stage] = rule.weight
    return found
