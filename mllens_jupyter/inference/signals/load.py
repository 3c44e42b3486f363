"""The signal tables read from lens/signals/stages.yaml, validated, compiled and cached."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ...errors import LensValidationError, SourceProblem
from ...lens_source import read_document
from ...paths import lens_data_dir
from .compile import compile_tables
from .tables import Signals
from .validate import consistency_problems, schema_problems


@lru_cache(maxsize=1)
def default_signals_path() -> Path:
    return lens_data_dir() / "signals" / "stages.yaml"


def load_signals(path: str | Path | None = None) -> Signals:
    """The signal tables at `path` (default: the bundled ones), validated; cached until the file changes.

    Raises LensValidationError listing every problem with its file and line.
    """
    target = Path(path).expanduser().resolve() if path else default_signals_path()
    try:
        stamp = target.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_cached(str(target), stamp)


@lru_cache(maxsize=8)
def _load_cached(path: str, stamp: int) -> Signals:
    doc = read_document(Path(path), allow_aliases=True)
    if isinstance(doc, SourceProblem):
        raise LensValidationError([doc])
    problems = list(schema_problems(doc))
    if not problems:
        problems = list(consistency_problems(doc))
    if problems:
        raise LensValidationError(problems)
    return compile_tables(doc.data, path)
