"""Text that came from a notebook, a lens or a review file, made safe to show.

A terminal obeys control characters (an escape sequence can clear the screen or set the window
title) and bidirectional overrides reorder what a reader sees; both are shown as visible escapes.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character but newline and tab, every bidi control and every lone
    surrogate written as an escape (`\\x1b`, `\\u202e`)."""
    return _UNSAFE.sub(_escape, text)


def json_visible(text: str) -> str:
    """JSON text with the characters `visible` escapes written as `\\uXXXX` escapes: the same JSON
    value (they only occur inside strings), safe on a terminal and always valid UTF-8."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
