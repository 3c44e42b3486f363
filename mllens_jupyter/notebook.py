"""Notebook files: read any nbformat 4 (or 3, upgraded in memory), and write the `mllens` key.

A write goes through `writer.update_file` (lock, re-read under it, atomic replace) and rewrites the
text of `metadata.mllens` and nothing else (`jsonedit`), so a git diff shows only the answer.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from . import jsonedit
from .answers import NAMESPACE, stored_namespace_problem
from .errors import UnreadableNotebookError
from .writer import update_file

MAX_NOTEBOOK_BYTES = 512 * 1024 * 1024


def read_text(path: str | Path) -> str:
    """A notebook file's text; UnreadableNotebookError with a plain reason when it cannot be had."""
    path = Path(path)
    try:
        if path.is_dir():
            raise UnreadableNotebookError(str(path), "is a folder, not a notebook")
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise UnreadableNotebookError(str(path), "larger than 512 MiB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableNotebookError(str(path), "no such file") from None
    except PermissionError:
        raise UnreadableNotebookError(str(path), "permission denied") from None
    except OSError as err:
        raise UnreadableNotebookError(str(path), err.strerror or str(err)) from None
    return _decode(str(path), data)


def _decode(path: str, data: bytes) -> str:
    if not data or data.isspace():
        raise UnreadableNotebookError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise UnreadableNotebookError(path, "binary file, not a notebook")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableNotebookError(path, f"not UTF-8 text (byte {err.start})") from None


def parse(path: str, text: str) -> dict:
    """The notebook's JSON as a dict, checked to look like a notebook (any nbformat)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnreadableNotebookError(path, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise UnreadableNotebookError(path, "JSON nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise UnreadableNotebookError(path, "not a notebook (no nbformat version)")
    return data


def as_v4(path: str, data: dict) -> dict:
    """A notebook dict in nbformat 4; version 3 is upgraded with nbformat, others refused."""
    version = data["nbformat"]
    if version == 4:
        if not isinstance(data.get("cells"), list):
            raise UnreadableNotebookError(path, "nbformat 4 notebook without a list of cells")
        return data
    if version == 3:
        return _upgrade_v3(path, data)
    raise UnreadableNotebookError(path, f"nbformat {version} is not supported (only 3 and 4)")


def _upgrade_v3(path: str, data: dict) -> dict:
    """Version 3 read as `nbformat.read` reads it (lines rejoined, so heading cells work), then upgraded;
    nbformat's own log of validation problems is kept quiet: the one error line says what is wrong."""
    import nbformat
    from nbformat.v3.nbjson import JSONReader

    try:
        with _quiet_nbformat():
            notebook = nbformat.convert(JSONReader().to_notebook(json.loads(json.dumps(data))), 4)
        return json.loads(json.dumps(notebook))
    except Exception as err:  # nbformat raises many kinds on malformed v3 input
        raise UnreadableNotebookError(path, f"nbformat 3 notebook that cannot be upgraded: {_first_line(err)}") from None


@contextmanager
def _quiet_nbformat() -> Iterator[None]:
    from traitlets.log import get_logger

    logger = get_logger()
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def read_notebook(path: str | Path) -> dict:
    """A notebook as plain nbformat-4 data; UnreadableNotebookError names the file and the reason."""
    name = str(path)
    return as_v4(name, parse(name, read_text(path)))


def validate_notebook(notebook: dict) -> list[str]:
    """Every nbformat schema error of a v4 notebook dict, as messages (empty when valid)."""
    import nbformat

    node = nbformat.from_dict(notebook)
    return [str(e.message) for e in nbformat.validator.iter_validate(node)]


def update_namespace(path: str | Path, change: Callable[[dict | None], dict | None]) -> dict | None:
    """Apply `change` to the file's `metadata.mllens` under the file's lock and write it atomically.

    `change` gets the current namespace (None if absent) and returns the new one (None removes it).
    Only the `mllens` member's text changes: line endings, a BOM, indentation, key order and number
    spellings elsewhere in the file stay byte for byte. Returns what was written.
    """
    name = str(path)
    written: list[dict | None] = []

    def edit(data: bytes) -> bytes:
        bom = data.startswith(codecs.BOM_UTF8)
        text = _decode(name, data)
        new = change(current_namespace(name, parse(name, text)))
        written.append(new)
        return (codecs.BOM_UTF8 if bom else b"") + _with_namespace(text, new)

    update_file(path, edit)
    return written[0]


def current_namespace(path: str, data: dict) -> dict | None:
    """The `metadata.mllens` a write would change; refuses one this version cannot safely rewrite."""
    as_v4(path, dict(data))
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise UnreadableNotebookError(path, "notebook metadata is not an object")
    namespace = (metadata or {}).get(NAMESPACE)
    problem = stored_namespace_problem(namespace)
    if problem:
        raise UnreadableNotebookError(path, problem)
    return namespace


def _with_namespace(text: str, namespace: dict | None) -> bytes:
    """The notebook's text with only `metadata.mllens` rewritten, as UTF-8."""
    ascii_only = text.isascii() and "\\u" in text
    try:
        return _edited(text, namespace, ascii_only).encode("utf-8")
    except UnicodeEncodeError:
        return _edited(text, namespace, True).encode("utf-8")


def _edited(text: str, namespace: dict | None, ascii_only: bool) -> str:
    root = jsonedit.root_object(text)
    unit = jsonedit.style_of(text, root).unit or None
    metadata = root.last("metadata")
    if metadata is None or text[metadata.value_start] != "{":
        value = None if namespace is None else {NAMESPACE: namespace}
        return jsonedit.set_member(text, root, "metadata", value, ensure_ascii=ascii_only, fallback_unit=unit)
    span = jsonedit.object_at(text, metadata.value_start)
    return jsonedit.set_member(text, span, NAMESPACE, namespace, ensure_ascii=ascii_only, fallback_unit=unit)
