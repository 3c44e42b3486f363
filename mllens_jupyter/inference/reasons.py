"""How reasons are written: paths as the cell writes them, names as the tables know them, text cut short.

A reason is a short phrase a person reads in the sidebar or the panel (`calls sklearn.ensemble.
RandomForestClassifier()`, `under heading 'Training'`); the scoring passes write them with these.
"""

from __future__ import annotations

from .facts import CALL, ITEM, UNKNOWN, Path_

TAG_REASON = "tagged by you in cell metadata"
PIN_REASON = "pinned by you in notebook metadata"
MAX_QUALNAMES = 50_000

_QUALNAMES: dict[Path_, str] = {}


def qualname(path: Path_) -> str:
    found = _QUALNAMES.get(path)
    if found is None:
        if len(_QUALNAMES) >= MAX_QUALNAMES:
            _QUALNAMES.clear()
        found = _QUALNAMES[path] = ".".join([part for part in path if part != CALL and part != ITEM])
    return found


def written(path: Path_) -> str:
    """A path as code writes it, for reasons: `lda_questions.head().dropna().T`, `df[…].fillna`; a
    root that is no name (`(a - b).dt.days`) is `(…)`."""
    text = ""
    for part in path:
        if part == CALL:
            text += "()"
        elif part == ITEM:
            text += "[…]"
        elif part == UNKNOWN and not text:
            text = "(…)"
        else:
            text += f".{part}" if text else part
    return text


def shown_path(verb: str, path: Path_) -> str:
    return f"{verb} {short(written(path))}"


def short(text: str, limit: int = 60) -> str:
    """The text with its whitespace collapsed, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
