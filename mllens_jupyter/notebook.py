"""Notebook files: read any nbformat 4 (or 3, upgraded in memory), and write the `mllens` key atomically.

A write re-reads the file, replaces `metadata.mllens` and nothing else, keeps the file's own indent
and key order, and renames a temporary file over the original so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from .answers import NAMESPACE
from .errors import UnreadableNotebookError

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
    import nbformat

    try:
        return json.loads(json.dumps(nbformat.convert(nbformat.from_dict(data), 4)))
    except Exception as err:  # nbformat raises many kinds on malformed v3 input
        raise UnreadableNotebookError(path, f"nbformat 3 notebook that cannot be upgraded: {err}") from None


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
    """Apply `change` to the file's `metadata.mllens` and write the result atomically.

    `change` gets the current namespace (None if absent) and returns the new one (None removes it).
    Every other byte of meaning in the file is kept; returns what was written.
    """
    name = str(path)
    text = read_text(path)
    data = parse(name, text)
    as_v4(name, dict(data))
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise UnreadableNotebookError(name, "notebook metadata is not an object")
    metadata = dict(metadata or {})
    new = change(metadata.get(NAMESPACE))
    if new is None:
        metadata.pop(NAMESPACE, None)
    else:
        metadata[NAMESPACE] = new
    data["metadata"] = metadata
    atomic_write_text(path, dumps_like(data, text))
    return new


def dumps_like(data: Any, original: str) -> str:
    """`data` as JSON in the original text's style: its indent, its escaping, its final newline."""
    ascii_only = original.isascii() and "\\u" in original
    text = json.dumps(data, indent=_indent_of(original), ensure_ascii=ascii_only)
    return text + "\n" if original.endswith("\n") else text


def _indent_of(text: str) -> int | None:
    stripped = text.lstrip()
    if not stripped.startswith("{\n") and not stripped.startswith("{\r\n"):
        return None
    second = stripped.split("\n", 2)[1]
    return len(second) - len(second.lstrip(" ")) or 1


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`.

    A symlink is followed, so the link stays and its target is replaced; permissions are kept.
    """
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mllens-tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
