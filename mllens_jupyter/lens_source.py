"""Reading lens YAML files: parse once, keep each value's line, validate against the lens schema.

Validation yields every problem with its file, line and field instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceProblem
from .paths import lens_data_dir
from .validation import iter_schema_errors

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

SCHEMA_FILE = "lens.v1.schema.json"


@dataclass
class SourceDocument:
    """A YAML document's data with the node tree that locates each of its values."""

    file: str
    data: Any
    node: yaml.Node | None

    def line_of(self, path: tuple) -> int | None:
        """The 1-based line of the value at `path` (keys and list indices), or its nearest parent."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for step in path:
            node = _child(node, step)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node | None, step: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


def read_document(path: Path) -> SourceDocument | SourceProblem:
    """Parse one YAML file; a problem (never an exception) when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return SourceProblem(str(path), None, "(file)", f"cannot read: {err}")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return SourceProblem(str(path), line, "(yaml)", str(getattr(err, "problem", err)))
    finally:
        loader.dispose()
    return SourceDocument(str(path), data, node)


@lru_cache(maxsize=1)
def lens_schema() -> dict:
    """The lens JSON schema (version 1)."""
    return json.loads((lens_data_dir() / "schema" / SCHEMA_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _schema_for(definition: str | None) -> dict:
    schema = lens_schema()
    if definition:
        return {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return schema


def schema_problems(doc: SourceDocument, definition: str | None = None) -> Iterator[SourceProblem]:
    """Every schema violation of `doc`, against the whole lens schema or one of its definitions."""
    for path, message in iter_schema_errors(doc.data, _schema_for(definition)):
        yield SourceProblem(doc.file, doc.line_of(path), _field_name(path), message)


def _field_name(path: tuple) -> str:
    if not path:
        return "(document)"
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")
