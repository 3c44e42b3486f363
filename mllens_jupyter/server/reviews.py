"""The workload review as the Jupyter server serves it to the sidebar, confined to the server's root.

`POST /mllens/api/answers` gives the answers that apply to an open notebook (its metadata as the
editor holds it, over its workload's review file) each with its scope; `PUT /mllens/api/review`
records an answer at workload scope, refusing a write made against a review file that has changed
since it was read. A notebook path is relative to the server's root, and a review file above the
root is never read or written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import review as reviews
from ..answering import answer_workload
from ..answers import STATUSES, answers_of, effective_answers
from ..errors import UsageError
from ..lens import Lens
from ..status import resolve_answers

FIELDS = ("note", "reason", "owner", "due")


class OutsideRootError(UsageError):
    """A path that leaves the server's root folder."""


class ReviewService:
    """Reads and writes workload reviews for notebooks under `root_dir`."""

    def __init__(self, root_dir: str | Path) -> None:
        self.root = Path(os.path.realpath(root_dir))

    def notebook_file(self, path: Any) -> Path:
        """The notebook at `path` (relative to the root); OutsideRootError when it leaves the root."""
        if not isinstance(path, str) or not path or "\x00" in path:
            raise UsageError("path must be the notebook's path relative to the server's root")
        full = Path(os.path.realpath(self.root / path.lstrip("/")))
        if not self._inside(full):
            raise OutsideRootError(f"{path} is outside the server's root folder")
        return full

    def _inside(self, full: Path) -> bool:
        return full == self.root or self.root in full.parents

    def review_file(self, notebook: Path) -> Path | None:
        """The review file covering `notebook`, if it is inside the root."""
        found = reviews.review_for(notebook)
        return found if found is not None and self._inside(Path(os.path.realpath(found))) else None

    def shown(self, path: Path) -> str:
        return Path(os.path.realpath(path)).relative_to(self.root).as_posix()

    def state(self, path: Any, metadata: Mapping, lens: Lens) -> dict[str, Any]:
        """The answers that apply to the notebook at `path` with `metadata` (as the editor holds it),
        each with its scope, and the review file they inherit from (with its version)."""
        notebook = self.notebook_file(path)
        found = self.review_file(notebook)
        own, _ = resolve_answers(lens, answers_of({"metadata": metadata}))
        if found is None or not found.is_file():
            return {"review": None, "answers": effective_answers(own, {})}
        data = found.read_bytes()
        review = reviews.parse(found, data, lens)
        inherited = reviews.workload_answers(review, lens)
        return {
            "review": {"path": self.shown(found), "version": reviews.version_of(data),
                       "workload": review["workload"], "answers": inherited},
            "answers": effective_answers(own, inherited),
        }

    def record(self, request: Mapping[str, Any], lens: Lens) -> dict[str, Any]:
        """Record (or remove, with status null) a workload answer for the notebook of the request,
        or cite a cell as evidence of one; returns the review's new state."""
        notebook = self.notebook_file(request.get("path"))
        found = self.review_file(notebook)
        if found is None:
            raise UsageError("no review file covers this notebook: start one with `mllens review init`")
        practice = lens.practice(_text(request, "practice", required=True))
        status = _status(request, reviews.workload_answers(reviews.read(found, lens), lens).get(practice.id))
        fields = {name: _text(request, name) for name in FIELDS}
        evidence = self._cited(found, notebook, request, lens, practice.id)
        answer_workload(found, lens, practice.id, status, evidence=evidence,
                        expected_version=_text(request, "version", required=True), **fields)
        return self.state(self.shown(notebook), {}, lens)["review"]

    def _cited(self, found: Path, notebook: Path, request: Mapping, lens: Lens, practice_id: str) -> list | None:
        cite = request.get("cite")
        if cite is None:
            return None
        if not isinstance(cite, str) or not cite:
            raise UsageError("cite must be the id of a cell")
        earlier = list((reviews.workload_answers(reviews.read(found, lens), lens).get(practice_id) or {})
                       .get("evidence") or [])
        link = reviews.evidence_link(found, notebook, cite)
        return earlier if link in earlier else [*earlier, link]


def _status(request: Mapping[str, Any], current: Mapping | None) -> str | None:
    """The status to record: the request's (null removes the answer), or, when it gives none (citing
    a cell), the workload's current one."""
    if "status" not in request:
        if current is None:
            raise UsageError("answer this practice for the workload before citing a cell as its evidence")
        return current["status"]
    status = request["status"]
    if status is not None and status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)} or null")
    return status


def _text(request: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = request.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise UsageError(f"{name} must be a string")
    return value
