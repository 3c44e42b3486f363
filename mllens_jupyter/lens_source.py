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
from yaml.constructor import ConstructorError

from .errors import SourceProblem
from .paths import lens_data_dir
from .validation import iter_schema_errors

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

MAX_YAML_BYTES = 4 * 1024 * 1024


MAX_EXPANDED_NODES = 200_000


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that refuses keys given twice, and aliases (a few hundred bytes of them expand
    to gigabytes) unless `allow_aliases`, where the expanded document is capped instead."""

    allow_aliases = False

    def construct_document(self, node: yaml.Node) -> Any:
        if self.allow_aliases and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise ConstructorError(None, None, f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values",
                                   node.start_mark)
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if not self.allow_aliases and (node in self.constructed_objects or node in self.recursive_objects):
            raise ConstructorError(None, None, "anchors and aliases (&name, *name) are not allowed; write the value out",
                                   node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}  # dates stay text (`due: 2027-01-15`), as the JSON schemas that check them expect


class AliasLoader(StrictLoader):
    """StrictLoader for files that share values through aliases (the signal tables)."""

    allow_aliases = True


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values `node` stands for once every alias is written out (shared nodes counted once
    per use, each worked out once). A recursive alias counts as unbounded."""
    key = id(node)
    if key in sizes:
        return sizes[key] if sizes[key] >= 0 else MAX_EXPANDED_NODES + 1
    sizes[key] = -1
    children: list = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    total = 1
    for child in children:
        total = min(total + _expanded_size(child, sizes), MAX_EXPANDED_NODES + 1)
    sizes[key] = total
    return total


def _refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                raise ConstructorError(None, None, f"duplicate key {key.value!r}", key.start_mark)
            seen.add(key.value)


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


def read_document(path: Path, allow_aliases: bool = False) -> SourceDocument | SourceProblem:
    """Parse one YAML file; a problem (never an exception) when it cannot be read or parsed."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
    except (OSError, RuntimeError) as err:
        return SourceProblem(str(path), None, "(file)", f"cannot read: {getattr(err, 'strerror', None) or err}")
    return document_from_text(str(path), data, allow_aliases)


def document_from_text(name: str, data: bytes, allow_aliases: bool = False) -> SourceDocument | SourceProblem:
    """Parse YAML bytes read from `name`, refused before parsing when larger than any real file."""
    if len(data) > MAX_YAML_BYTES:
        return SourceProblem(name, None, "(file)", f"larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return SourceProblem(name, None, "(file)", f"not UTF-8 text (byte {err.start})")
    loader = (AliasLoader if allow_aliases else StrictLoader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return SourceProblem(name, line, "(yaml)", str(getattr(err, "problem", err)))
    finally:
        loader.dispose()
    return SourceDocument(name, data, node)


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
    return problems_against(doc, _schema_for(definition))


def problems_against(doc: SourceDocument, schema: dict) -> Iterator[SourceProblem]:
    """Every violation of `schema` by `doc`, each with the line of the value at fault."""
    for path, message in iter_schema_errors(doc.data, schema):
        yield SourceProblem(doc.file, doc.line_of(path), field_name(path), message)


def field_name(path: tuple) -> str:
    if not path:
        return "(document)"
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")
