"""JSON schema validation: a compiled fast check, then every error listed when the check fails.

`jsonschema` is only imported to explain a failure: in a Jupyter environment its import costs
seconds, and valid data (the common case) never needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

import fastjsonschema


class SchemaError(NamedTuple):
    path: tuple
    message: str


def _freeze(schema: dict) -> str:
    import json

    return json.dumps(schema, sort_keys=True)


@lru_cache(maxsize=16)
def _compiled(frozen: str):
    import json

    return fastjsonschema.compile(json.loads(frozen))


def iter_schema_errors(instance: Any, schema: dict) -> Iterator[SchemaError]:
    """Every violation of `schema` (draft-07) by `instance`, ordered by where it occurs."""
    frozen = _freeze(schema)
    try:
        _compiled(frozen)(instance)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    from jsonschema import Draft7Validator

    errors = Draft7Validator(schema).iter_errors(instance)
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        yield SchemaError(tuple(error.absolute_path), error.message)
