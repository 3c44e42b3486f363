"""Editing one member of a JSON object inside the text that holds it, leaving every other byte alone.

A notebook's git diff must show only the answer: so the `mllens` member is located in the file's own
text (with `json`'s own scanner), and only its value is written again, in the style of the object it
sits in (indentation, separators, line ending). Pure functions over strings; no file access.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True)
class Member:
    """Where one `"key": value` of an object stands: `lead` is the whitespace before its key."""

    key: str
    lead: int
    start: int
    value_start: int
    end: int


@dataclass(frozen=True)
class ObjectSpan:
    """An object's members and the positions of its braces."""

    open: int
    close: int
    members: tuple[Member, ...]

    def last(self, key: str) -> Member | None:
        """The member `key` as `json.loads` reads it: the last one when a key is repeated."""
        return next((m for m in reversed(self.members) if m.key == key), None)


@dataclass(frozen=True)
class Style:
    """How an object's members are laid out: indentation (None for one line), separators, line ending."""

    member_indent: str | None
    unit: str
    item_separator: str
    key_separator: str
    newline: str


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()


def object_at(text: str, open_pos: int) -> ObjectSpan:
    """The members of the object whose `{` is at `open_pos`; `text` must be valid JSON there."""
    members: list[Member] = []
    lead = open_pos + 1
    pos = _skip(text, lead)
    while text[pos] != "}":
        key, colon = _DECODER.raw_decode(text, pos)
        value_start = _skip(text, _skip(text, colon) + 1)
        _, end = _DECODER.raw_decode(text, value_start)
        members.append(Member(key, lead, pos, value_start, end))
        pos = _skip(text, end)
        if text[pos] == ",":
            lead = pos + 1
            pos = _skip(text, lead)
    return ObjectSpan(open_pos, pos, tuple(members))


def root_object(text: str) -> ObjectSpan:
    """The document's top-level object."""
    return object_at(text, _skip(text, 0))


def _line_indent(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    return _WHITESPACE.match(text, start).group().replace("\n", "").replace("\r", "")


def style_of(text: str, span: ObjectSpan, fallback_unit: str | None = " ") -> Style:
    """The layout of `span`'s members; for an empty object, one level below its line (`fallback_unit`
    deeper), or on one line when `fallback_unit` is None."""
    newline = "\r\n" if "\r\n" in text else "\n"
    parent = _line_indent(text, span.open)
    if not span.members:
        if fallback_unit is None:
            return Style(None, "", ", ", ": ", newline)
        return Style(parent + fallback_unit, fallback_unit, ",", ": ", newline)
    first = span.members[0]
    gap = text[first.lead:first.start]
    key_separator = ":" + (" " if text[first.value_start - 1] in " \t" else "")
    if "\n" not in gap:
        sample = text[span.members[1].lead:span.members[1].start] if len(span.members) > 1 else gap
        return Style(None, "", "," + sample, key_separator, newline)
    indent = gap[gap.rfind("\n") + 1:]
    unit = indent[len(parent):] if indent.startswith(parent) and len(indent) > len(parent) else (fallback_unit or " ")
    return Style(indent, unit, ",", key_separator, newline)


def render_value(value: Any, style: Style, ensure_ascii: bool) -> str:
    """`value` as JSON laid out like the members of the object it goes into."""
    if style.member_indent is None:
        return json.dumps(value, ensure_ascii=ensure_ascii, separators=(style.item_separator, style.key_separator))
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=style.unit, separators=(",", style.key_separator))
    return text.replace("\n", style.newline + style.member_indent)


def _member_text(key: str, value: Any, style: Style, ensure_ascii: bool) -> str:
    return json.dumps(key, ensure_ascii=ensure_ascii) + style.key_separator + render_value(value, style, ensure_ascii)


def set_member(text: str, span: ObjectSpan, key: str, value: Any, *, ensure_ascii: bool = False,
               fallback_unit: str | None = " ") -> str:
    """`text` with `key` of the object `span` set to `value` (or removed when `value` is None).

    An existing member has only its value replaced; a new one goes before the first key that sorts
    after it, as Jupyter writes metadata with sorted keys (in a laid-out object, the first such key
    that starts a line, so that no line of someone else's changes; else last).
    """
    found = span.last(key)
    if value is None:
        return _remove(text, span, found) if found else text
    style = style_of(text, span, fallback_unit)
    if found:
        return text[:found.value_start] + render_value(value, style, ensure_ascii) + text[found.end:]
    return _insert(text, span, _member_text(key, value, style, ensure_ascii), key, style)


def _insert(text: str, span: ObjectSpan, member: str, key: str, style: Style) -> str:
    after = next((m for m in span.members if m.key > key and _starts_line(text, m, style)), None)
    if after is not None:
        return text[:after.start] + member + "," + text[after.lead:after.start] + text[after.start:]
    if span.members:
        last, first = span.members[-1], span.members[0]
        separator = style.item_separator if style.member_indent is None else "," + text[first.lead:first.start]
        return text[:last.end] + separator + member + text[last.end:]
    if style.member_indent is None:
        return text[:span.open + 1] + member + text[span.close:]
    closing = style.newline + _line_indent(text, span.open)
    return text[:span.open + 1] + style.newline + style.member_indent + member + closing + text[span.close:]


def _starts_line(text: str, member: Member, style: Style) -> bool:
    """Whether a new member can go before `member` on lines of its own (always, in a one-line object)."""
    return style.member_indent is None or "\n" in text[member.lead:member.start]


def _remove(text: str, span: ObjectSpan, member: Member) -> str:
    index = span.members.index(member)
    if len(span.members) == 1:
        return text[:span.open + 1] + text[span.close:]
    if index + 1 < len(span.members):
        following = span.members[index + 1]
        return text[:member.start] + text[following.start:]
    previous = span.members[index - 1]
    return text[:previous.end] + text[member.end:]
