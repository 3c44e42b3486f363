"""A workload's review file, `mllens-review.yaml`: find it, read and validate it, write it.

The file sits at the root of the folder it covers; every notebook below inherits its answers and may
override them (`answers.effective_answers`). It holds the workload (name, description, owner,
environment), the lens it was answered against, the answers (with owner, due date and evidence: a
notebook and a cell id) and the milestones. It is YAML for people and pull-request diffs: written
in one stable layout (sections in a fixed order, keys sorted, one block per answer) through the same
locked, atomic writer as notebooks. Validation lists every problem with its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ReviewError, SourceProblem, StaleReviewError, UsageError
from .lens import Lens
from .lens_source import SourceDocument, document_from_text, problems_against
from .paths import schema_path
from .walk import find_pyproject, mllens_settings
from .writer import replace_atomically, update_file

REVIEW_FILE = "mllens-review.yaml"
SCHEMA_VERSION = 1
SCHEMA_FILE = "mllens-review.v1.schema.json"
ENVIRONMENTS = ("production", "preproduction")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
SECTIONS = ("schema_version", "workload", "lens", "answers", "milestones", "wa_tool")
HEADER = "# The workload's review (mllens): every notebook below this folder inherits these answers.\n"


@lru_cache(maxsize=1)
def review_schema() -> dict:
    return json.loads(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"))


def find_review(path: str | Path) -> Path | None:
    """The review file covering `path`: the nearest `mllens-review.yaml` at or above its folder, not
    looking above a repository root (`.git`) or the file system root."""
    return _review_in(os.path.dirname(os.path.abspath(path)) if not os.path.isdir(path) else os.path.abspath(path))


@lru_cache(maxsize=4096)
def _review_in(folder: str) -> Path | None:
    candidate = Path(folder) / REVIEW_FILE
    if candidate.is_file():
        return candidate
    parent = os.path.dirname(folder)
    if parent == folder or os.path.exists(os.path.join(folder, ".git")):
        return None
    return _review_in(parent)


def review_for(path: str | Path, given: str | Path | None = None) -> Path | None:
    """The review file that covers a notebook: `given` (`--review`), else `review` in the
    `[tool.mllens]` of the nearest pyproject.toml (relative to it), else the nearest one found by
    walking up (`find_review`)."""
    if given:
        return review_path(given)
    configured = _configured_review(os.path.dirname(os.path.abspath(path)))
    return configured or find_review(path)


@lru_cache(maxsize=1024)
def _configured_review(folder: str) -> Path | None:
    pyproject = find_pyproject(folder)
    setting = mllens_settings(pyproject).get("review") if pyproject else None
    if setting is None:
        return None
    if not isinstance(setting, str) or not setting:
        raise UsageError(f"{pyproject}: [tool.mllens] review must be the path of a review file")
    return review_path(pyproject.parent / setting)


def forget_found_reviews() -> None:
    """Forget where review files were found (a long-lived process, after one was created)."""
    _review_in.cache_clear()
    _configured_review.cache_clear()


def review_path(target: str | Path) -> Path:
    """The review file a command names: the file itself, or the one in a folder."""
    path = Path(target)
    return path / REVIEW_FILE if path.is_dir() else path


def new_review(lens: Lens, name: str, owner: str | None = None, environment: str | None = None,
               description: str | None = None) -> dict:
    """A review with no answers yet, for `lens`."""
    workload = {"name": name, "description": description, "owner": owner, "environment": environment}
    return {
        "schema_version": SCHEMA_VERSION,
        "workload": {key: value for key, value in workload.items() if value},
        "lens": {"id": lens.id, **({"version": lens.version} if lens.version else {})},
        "answers": {},
        "milestones": [],
    }


def dumps(review: dict) -> str:
    """The review as YAML in its one stable layout: sections in order, keys sorted, and each answer
    a block of its own after a blank line, so that a review's diff reads well in a pull request."""
    parts = [HEADER]
    for section in SECTIONS:
        if section == "answers":
            parts.append(_answers_yaml(review.get("answers") or {}))
        elif review.get(section) is not None or section == "milestones":
            parts.append(_yaml({section: review.get(section) or []}))
    return "".join(parts)


class _Dumper(yaml.SafeDumper):
    """Multi-line text (a long note) as a literal block, which reads and diffs line by line."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and text == text.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _yaml(value: dict) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=True, allow_unicode=True, default_flow_style=False, width=100)


def _answers_yaml(answers: dict) -> str:
    if not answers:
        return "answers: {}\n"
    blocks = ["".join(f"  {line}\n" if line else "\n" for line in _yaml({pid: answers[pid]}).splitlines())
              for pid in sorted(answers)]
    return "answers:\n" + "\n".join(blocks) + "\n"


def version_of(data: bytes) -> str:
    """What a writer sends back to show which version of the file it read (refusing a stale write)."""
    return hashlib.sha256(data).hexdigest()[:16]


def parse(path: str | Path, data: bytes, lens: Lens | None = None) -> dict:
    """The review in `data`, validated; ReviewError lists every problem with its line."""
    doc = document_from_text(str(path), data)
    if isinstance(doc, SourceProblem):
        raise ReviewError([doc])
    problems = list(problems_against(doc, review_schema()))
    if not problems:
        problems = list(_meaning_problems(doc, lens))
    if problems:
        raise ReviewError(problems)
    return doc.data


def _meaning_problems(doc: SourceDocument, lens: Lens | None) -> Iterator[SourceProblem]:
    """What the schema cannot see: dates that are no dates, practices the lens lacks, milestones twice."""
    data = doc.data
    for pid, answer in (data.get("answers") or {}).items():
        if lens is not None and lens.find_practice(pid) is None:
            yield SourceProblem(doc.file, doc.line_of(("answers", pid)), f"answers.{pid}",
                                f"no practice {pid!r} in lens {lens.id!r}")
        if "due" in answer and not is_date(answer["due"]):
            yield SourceProblem(doc.file, doc.line_of(("answers", pid, "due")), f"answers.{pid}.due",
                                f"{answer['due']!r} is not a date (YYYY-MM-DD)")
    seen: set[str] = set()
    for index, milestone in enumerate(data.get("milestones") or []):
        if milestone["name"] in seen:
            yield SourceProblem(doc.file, doc.line_of(("milestones", index)), f"milestones[{index}].name",
                                f"a second milestone named {milestone['name']!r}")
        seen.add(milestone["name"])


def is_date(text: str) -> bool:
    """Whether `text` is a real calendar date written YYYY-MM-DD."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read(path: str | Path, lens: Lens | None = None) -> dict:
    """Read and validate a review file (ReviewError when it is missing or invalid)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ReviewError([SourceProblem(str(path), None, "(file)", f"cannot read: {err.strerror or err}")]) from None
    return parse(path, data, lens)


_LOADED: dict[tuple[str, int, str], dict] = {}


def load(path: str | Path, lens: Lens | None = None) -> dict:
    """A review file read once per process until it changes (the audit asks for it per notebook)."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = -1
    key = (str(path), stamp, lens.source if lens else "")
    if key not in _LOADED:
        if len(_LOADED) > 64:
            _LOADED.clear()
        _LOADED[key] = read(path, lens)
    return _LOADED[key]


def create(path: str | Path, review: dict) -> None:
    """Write a new review file; UsageError if one is there already."""
    target = Path(path)
    if target.exists():
        raise UsageError(f"{target} exists already; answer in it with `mllens answer {target} ...`")
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(target, dumps(review).encode("utf-8"))
    forget_found_reviews()


def update(path: str | Path, change: Callable[[dict], dict], lens: Lens | None = None,
           expected_version: str | None = None) -> dict:
    """Apply `change` to the review under the file's lock and write it in the stable layout.

    With `expected_version` (from `version_of` on what the writer read), a file changed since is
    refused with StaleReviewError. Returns the review written.
    """
    written: list[dict] = []

    def edit(data: bytes) -> bytes:
        if expected_version is not None and version_of(data) != expected_version:
            raise StaleReviewError(str(path), "the review file changed since it was read; reload it")
        written.append(change(parse(path, data, lens)))
        return dumps(written[0]).encode("utf-8")

    update_file(path, edit)
    return written[0]


def workload_answers(review: dict | None, lens: Lens) -> dict[str, dict]:
    """The review's answers keyed by current practice id (2023 aliases resolved)."""
    answers = (review or {}).get("answers") or {}
    resolved = {}
    for key, answer in answers.items():
        practice = lens.find_practice(key)
        if practice is not None:
            resolved[practice.id] = answer
    return resolved


def with_workload_answer(review: dict, practice_id: str, answer: dict | None) -> dict:
    """A new review with `answer` recorded at workload scope (removed when None)."""
    answers = dict(review.get("answers") or {})
    if answer is None:
        answers.pop(practice_id, None)
    else:
        answers[practice_id] = dict(sorted(answer.items()))
    return {**review, "answers": dict(sorted(answers.items()))}


def with_milestone(review: dict, milestone: dict) -> dict:
    """A new review with `milestone` added; UsageError when the name is taken."""
    milestones = list(review.get("milestones") or [])
    if any(m["name"] == milestone["name"] for m in milestones):
        raise UsageError(f"there is a milestone named {milestone['name']!r} already")
    return {**review, "milestones": [*milestones, milestone]}


def milestone(review: dict, name: str) -> dict | None:
    return next((m for m in review.get("milestones") or [] if m["name"] == name), None)


def is_overdue(answer: dict | None, today: dt.date | None = None) -> bool:
    """An answer with a due date in the past that is not done or not applicable."""
    due = (answer or {}).get("due")
    if not due or (answer or {}).get("status") in ("done", "not_applicable"):
        return False
    return dt.date.fromisoformat(due) < (today or dt.date.today())


def evidence_link(review_file: Path, notebook: str | Path, cell_id: str | None) -> dict:
    """An evidence entry: the notebook relative to the review's folder, and the cell id."""
    relative = os.path.relpath(os.path.abspath(notebook), review_file.parent)
    return {"notebook": Path(relative).as_posix(), **({"cell": cell_id} if cell_id else {})}
