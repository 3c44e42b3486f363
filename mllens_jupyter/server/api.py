"""The plain-data work of each endpoint of the ML Lens API, which the sidebar asks.

`GET /mllens/api/lenses`, `GET /mllens/api/lens/<id>`, `POST /mllens/api/infer`, and for the workload
review `POST /mllens/api/answers` and `PUT /mllens/api/review` (`reviews.py`); the tornado
handlers in `handlers.py` only translate HTTP to the functions here and errors to status codes.
Only installed lenses are served, by id: a request never names a path on the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import LensNotFoundError, UsageError
from ..lens import Lens, LensRegistry

API_PREFIX = "mllens/api"
MAX_INFER_BYTES = 16 * 1024 * 1024
MAX_CELLS = 20_000
REGISTRY_SETTING = "mllens_registry"
REVIEWS_SETTING = "mllens_reviews"


class BodyTooLargeError(UsageError):
    """A request body over MAX_INFER_BYTES."""


def lens_summary(lens: Lens) -> dict[str, Any]:
    return {
        "id": lens.id,
        "name": lens.name,
        "version": lens.version,
        "pillars": len(lens.pillars),
        "phases": len(lens.phases),
        "practices": len(lens.practices),
    }


def lens_list(registry: LensRegistry) -> dict[str, Any]:
    """The installed lenses (ids, names, counts), the default one, and the sources that fail to load."""
    lenses, problems = [], []
    for key, found in registry.available().items():
        if isinstance(found, Lens):
            lenses.append(lens_summary(found))
        else:
            problems.append({"source": key, "message": found})
    return {"default": registry.default_lens, "lenses": lenses, "problems": problems}


def installed_lens(registry: LensRegistry, lens_id: str | None) -> Lens:
    """The installed lens with this id (the default when None); LensNotFoundError otherwise."""
    key = lens_id or registry.default_lens
    found = registry.available().get(key)
    if not isinstance(found, Lens):
        raise LensNotFoundError(f"no installed lens {key!r}; GET /mllens/api/lenses lists them")
    return found


def lens_detail(registry: LensRegistry, lens_id: str) -> dict[str, Any]:
    return installed_lens(registry, lens_id).to_dict()


def parse_infer_request(body: bytes) -> dict[str, Any]:
    """The checked body of POST /mllens/api/infer: cells, metadata, active_cell and lens.

    Raises UsageError with a message naming the first thing wrong, BodyTooLargeError past the limit.
    """
    data = parse_json_body(body)
    cells = _cells(data.get("cells"))
    metadata = data.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise UsageError("metadata must be an object")
    return {
        "cells": cells,
        "metadata": metadata,
        "active_cell": _active_cell(data.get("active_cell"), len(cells)),
        "lens": lens_key(data.get("lens"), metadata),
    }


def parse_json_body(body: bytes) -> dict:
    """A request's JSON object; UsageError when it is not one, BodyTooLargeError past the limit."""
    if len(body) > MAX_INFER_BYTES:
        raise BodyTooLargeError(f"request body larger than {MAX_INFER_BYTES // (1024 * 1024)} MiB")
    return _json_object(body)


def _json_object(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError("the body is not JSON (UTF-8)") from None
    if not isinstance(data, dict):
        raise UsageError("the body must be a JSON object with a list of cells")
    return data


def _cells(cells: Any) -> list[dict]:
    if not isinstance(cells, list):
        raise UsageError("cells must be a list of notebook cells")
    if len(cells) > MAX_CELLS:
        raise UsageError(f"too many cells (more than {MAX_CELLS})")
    for index, cell in enumerate(cells):
        problem = _cell_problem(cell)
        if problem:
            raise UsageError(f"cells[{index}]: {problem}")
    return cells


def _cell_problem(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return "a cell must be an object"
    if not isinstance(cell.get("cell_type"), str):
        return "cell_type must be a string"
    source = cell.get("source", "")
    if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
        return "source must be a string or a list of strings"
    if not isinstance(cell.get("metadata", {}), dict):
        return "metadata must be an object"
    return None


def _active_cell(value: Any, count: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError("active_cell must be a cell index (an integer)")
    if not 0 <= value < count:
        raise UsageError(f"active_cell is out of range (the notebook has {count} cells)")
    return value


def lens_key(value: Any, metadata: Any) -> str | None:
    """The lens a request names, else the one the notebook's answers were recorded against."""
    metadata = metadata if isinstance(metadata, Mapping) else {}
    if value is not None and not isinstance(value, str):
        raise UsageError("lens must be a lens id (a string)")
    namespace = metadata.get("mllens")
    recorded = namespace.get("lens") if isinstance(namespace, Mapping) else None
    return value or (recorded if isinstance(recorded, str) else None)


def infer(registry: LensRegistry, request: Mapping[str, Any]) -> dict[str, Any]:
    """Inference for the cells of a request, the evidence found, and the current phase: around the
    active cell, or of the work so far when the request names none."""
    lens = installed_lens(registry, request["lens"])
    from ..inference import current_phase, find_evidence, infer_notebook

    notebook = {"cells": request["cells"], "metadata": request["metadata"]}
    result = infer_notebook(notebook, lens)
    current = current_phase(result, lens, around=request["active_cell"])
    return {**result, "lens": lens.id, "current": current, "evidence": find_evidence(request["cells"], lens)}
