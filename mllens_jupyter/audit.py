"""Audit notebooks against a lens: answers recorded in each notebook joined with the phases inferred
from its cells, aggregated into one report of plain data (see `schemas/audit-report.v3.schema.json`).

Definitions used throughout the report:

- A practice is *applicable* to a notebook when its phase is present there (inferred from the cells
  or pinned in `metadata.mllens.phases`).
- An applicable practice's *open risk* (`answers.open_risk`) is its `risk_if_absent` when unanswered
  or `todo`, `medium` when `partial`, none when `done` or `not_applicable`.
- *Coverage* is the share of applicable practices dealt with: `done` and `not_applicable` count 1,
  `partial` 0.5, `todo` and unanswered 0. A notebook with no applicable practice has coverage null.
  Repository and matrix coverage add these weights over all notebooks before dividing (so a notebook
  weighs by its number of applicable practices).

Exit code of an audit (the report's `gate.exit_code`), most important first: 3 when any file was
unreadable (CI must notice a notebook it could not check), else 1 when `fail_on` is set and an open
risk at or above that level remains, else 0. (2, a usage error, is raised before any audit starts.)

Notebooks are read one at a time, in worker processes with `jobs` > 1, with at most a few batches of
paths in flight, and the report is aggregated as results arrive. The report keeps aggregates and one
compact record per notebook (`records.compact`): its phases, its own answers, counts and evidence;
what the lens, the phases and the answers determine (applicable practices, effective answers, open
risks) is derived again when a format needs it (`records.NotebookDetails`). Memory grows with the
number of notebooks by those records only, never by the notebooks' content.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import count, islice
from pathlib import Path
from typing import Any

from traitlets import Enum, Int, List, Unicode
from traitlets.config import LoggingConfigurable

from . import __version__, inference as default_inference
from .answers import STATUSES, answers_of, describe_errors, effective_answers, namespace_errors, namespace_of, open_risk
from .baseline import Baseline
from .errors import MllensError, UnreadableNotebookError
from .lens import Lens, load_lens
from .notebook import read_notebook
from .review import load as load_review
from .review import review_for, workload_answers
from .answers import resolve_answers
from .walk import Entry, display_path, iter_entries
from .records import compact
from .workload import WorkloadTally, shown_path

REPORT_VERSION = 3
UNANSWERED = "unanswered"
COUNTED_STATUSES = (*STATUSES, UNANSWERED)
WEIGHTS = {"done": 1.0, "not_applicable": 1.0, "partial": 0.5}
RISK_RANK = {"medium": 1, "high": 2}
TOP_RISKS = 10
MAX_EVIDENCE_REASONS = 3
MAX_REASON_CHARS = 200
EXIT_OK, EXIT_CHECK_FAILED, EXIT_UNREADABLE = 0, 1, 3

Result = dict[str, Any]


def _phases(lens: Lens, inferred: dict) -> list[str]:
    present = set(inferred.get("phases") or ())
    return [phase.id for phase in lens.phases if phase.id in present]


def _phase_cells(phases: list[str], inferred: dict) -> dict[str, list[int]]:
    cells = inferred.get("phase_cells") or {}
    return {phase: [int(i) for i in cells.get(phase, ())] for phase in phases}


def _evidence(found: dict) -> dict[str, list[str]]:
    return {
        str(pid): [str(r)[:MAX_REASON_CHARS] for r in list(reasons)[:MAX_EVIDENCE_REASONS]]
        for pid, reasons in sorted(found.items())
        if reasons
    }


def _status(answer: dict | None) -> str:
    status = (answer or {}).get("status")
    return status if status in STATUSES else UNANSWERED


def _metadata_problems(notebook: dict) -> list[str]:
    namespace = namespace_of(notebook)
    if namespace is None:
        return []
    errors = namespace_errors(namespace)
    return [describe_errors(errors)] if errors else []


def _answers(answers: dict[str, dict], scope: str = "notebook") -> dict[str, dict]:
    keep = ("status", "reason", "note", "updated", "scope")
    return {pid: {"scope": scope, **{k: answer[k] for k in keep if k in answer}}
            for pid, answer in sorted(answers.items())}


def coverage_of(counts: dict[str, int | float]) -> float | None:
    """Share of applicable practices dealt with (see the module docstring); None when none applies."""
    total = sum(counts.get(status, 0) for status in COUNTED_STATUSES)
    if not total:
        return None
    return round(sum(counts.get(s, 0) * w for s, w in WEIGHTS.items()) / total, 4)


def notebook_result(path: str, notebook: dict, lens: Lens, inference: Any = None) -> Result:
    """One notebook's audit as plain data (the `notebooks[]` items of the report)."""
    inference = inference or default_inference
    inferred, found = inference.infer_with_evidence(notebook, lens)
    phases = _phases(lens, inferred)
    answers, unknown = resolve_answers(lens, answers_of(notebook))
    result = {
        "path": path,
        "cells": len(notebook.get("cells") or ()),
        "phases": phases,
        "phase_cells": _phase_cells(phases, inferred),
        "applicable": [p.id for p in lens.practices if p.phase in phases],
        "evidence": _evidence(found or {}),
        "unknown_answers": unknown,
        "metadata_problems": _metadata_problems(notebook),
    }
    return judged(result, _answers(answers), lens)


def judged(result: Result, answers: dict[str, dict], lens: Lens) -> Result:
    """`result` with the answers that apply to the notebook and what follows from them: counts by
    status, open risks and coverage of its applicable practices."""
    practices = [lens.practice(pid) for pid in result["applicable"]]
    counts = Counter(_status(answers.get(p.id)) for p in practices)
    risks = [(p, open_risk(p.risk_if_absent, answers.get(p.id))) for p in practices]
    return {
        **result,
        "answers": answers,
        "by_status": {status: counts.get(status, 0) for status in COUNTED_STATUSES},
        "open_risks": [
            {"practice": p.id, "risk": risk, "status": _status(answers.get(p.id))} for p, risk in risks if risk
        ],
        "coverage": coverage_of(counts),
    }


def audit_notebook(path: str, lens: Lens, inference: Any = None) -> Result:
    """Read and audit one notebook; never raises: a failure becomes an `unreadable` result."""
    try:
        notebook = read_notebook(path)
    except UnreadableNotebookError as err:
        return {"unreadable": True, "path": path, "reason": err.reason}
    try:
        return notebook_result(path, notebook, lens, inference)
    except Exception as err:  # one bad notebook never stops the run; the reason is reported
        return {"unreadable": True, "path": path, "reason": f"could not be audited: {type(err).__name__}: {err}"}


_WORKER_LENS: Lens | None = None


def warm_up(lens: Lens) -> None:
    """Load the inference tables, compile their patterns and the metadata schema once, so that
    forked workers inherit them instead of each doing it.

    Never raises: if inference is broken, every notebook reports the failure as its own reason.
    """
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Data\nWe predict churn."},
             {"cell_type": "code", "metadata": {}, "source": "import pandas as pd\ndf = pd.read_csv('data.csv')"}]
    namespace_errors({"schema_version": 1})
    try:
        default_inference.load_signals().prepare()
        default_inference.infer_notebook({"cells": cells, "metadata": {}}, lens)
        default_inference.find_evidence(cells, lens)
    except Exception:
        pass


NOTEBOOKS_PER_COLLECTION = 2000
_AUDITED = count(1)


@contextmanager
def collection_between_notebooks() -> Iterator[None]:
    """The cyclic garbage collector off for the length of an audit, run by `_audited` between
    notebooks, every NOTEBOOKS_PER_COLLECTION of them, so that memory stays bounded whatever
    happens. Auditing makes no cycles: the collections of an audit of the 742 notebooks of the
    shared corpora free nothing. At its own pace the collector scans, each time, a large notebook's
    JSON and syntax trees, tens of thousands of objects still in use, and all that memos and
    report rows keep: 0.3 s of an audit of the corpora, where one full collection costs 0.2 s,
    0.1 ms a notebook at this pace. The setting is restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _init_worker(lens_source: str) -> None:
    global _WORKER_LENS
    _WORKER_LENS = load_lens(lens_source)
    warm_up(_WORKER_LENS)
    gc.disable()  # a worker only audits, for as long as it lives


def _audit_batch(paths: list[str]) -> list[Result]:
    assert _WORKER_LENS is not None
    return list(_audited(paths, _WORKER_LENS))


def _audited(paths: Iterable[str], lens: Lens, inference: Any = None) -> Iterator[Result]:
    """Each notebook's result; between notebooks, every NOTEBOOKS_PER_COLLECTION audited in this
    process, a full garbage collection."""
    for path in paths:
        yield audit_notebook(path, lens, inference)
        if next(_AUDITED) % NOTEBOOKS_PER_COLLECTION == 0:
            gc.collect()


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _Stream:
    """Walk entries in, results out in walk order; at most 4 batches per worker in flight at once.

    `inference` replaces the inference module in-process (jobs 1); workers always import the real one.
    """

    def __init__(
        self, lens: Lens, jobs: int, batch_size: int, on_note: Callable[[Entry], None], inference: Any
    ) -> None:
        self.lens, self.jobs, self.batch_size = lens, jobs, batch_size
        self.on_note, self.inference = on_note, inference

    def _paths(self, entries: Iterable[Entry]) -> Iterator[str]:
        for entry in entries:
            if entry.kind == "notebook":
                yield entry.path
            else:
                self.on_note(entry)

    def results(self, entries: Iterable[Entry]) -> Iterator[Result]:
        paths = self._paths(entries)
        if self.jobs <= 1:
            return _audited(paths, self.lens, self.inference)
        return self._parallel(paths)

    def _parallel(self, paths: Iterator[str]) -> Iterator[Result]:
        window: deque[Future] = deque()
        warm_up(self.lens)
        try:
            pool = ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=(self.lens.source,))
        except (OSError, ValueError) as err:
            raise MllensError(f"cannot start {self.jobs} worker processes: {err}") from None
        with pool:
            for batch in _batched(paths, self.batch_size):
                window.append(pool.submit(_audit_batch, batch))
                if len(window) >= self.jobs * 4:
                    yield from _batch_result(window.popleft())
            while window:
                yield from _batch_result(window.popleft())


def _batch_result(future: Future) -> list[Result]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool as err:
        raise MllensError(f"a worker process stopped unexpectedly ({err}); try again with --jobs 1") from None


def _lens_data(lens: Lens) -> dict:
    return {
        "id": lens.id,
        "name": lens.name,
        "version": lens.version,
        "pillars": [{"id": p.id, "name": p.name} for p in lens.pillars],
        "phases": [{"id": p.id, "name": p.name} for p in lens.phases],
        "practices": {
            p.id: {
                "title": p.title,
                "pillar": p.pillar,
                "phase": p.phase,
                "risk_if_absent": p.risk_if_absent,
                "docs_url": p.docs_url,
            }
            for p in lens.practices
        },
    }


class ReportBuilder:
    """Aggregates per-notebook results, one at a time, into the repository report."""

    def __init__(self, lens: Lens, paths: list[str], fail_on: str | None = None, review: str | None = None,
                 baseline: Baseline | None = None) -> None:
        self.lens, self.paths, self.fail_on = lens, [display_path(p) for p in paths], fail_on
        self.review, self.baseline = review, baseline
        self.tallies: dict[Path | None, WorkloadTally] = {}
        self.workload_keys: dict[Path | None, str | None] = {}
        self.notebooks: list[Result] = []
        self.no_answers: list[str] = []
        self.unreadable: list[dict] = []
        self.skipped: list[dict] = []
        self.excluded = 0
        self.high_risks: Counter[str] = Counter()
        self.cells = {(ph.id, pi.id): Counter() for ph in lens.phases for pi in lens.pillars}
        self.phase_notebooks: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.ids = {p.id: p.id for p in lens.practices}
        self.shared: dict[Any, Any] = {}
        self.cell_of = {p.id: self.cells[(p.phase, p.pillar)] for p in lens.practices}

    def add(self, result: Result) -> None:
        found = review_for(result["path"], self.review)
        tally = self._tally(found)
        result["path"] = display_path(result["path"])
        if result.get("unreadable"):
            self.unreadable.append({"path": result["path"], "reason": result["reason"]})
            return
        own = result["answers"]
        if tally.answers:
            result = judged(result, effective_answers(own, _answers(tally.answers, "workload")), self.lens)
        result["applicable"] = [self.ids.get(pid, pid) for pid in result["applicable"]]
        tally.add(result)
        self._count(result)
        self.notebooks.append(self._shared(compact(result, own, self.workload_keys[found])))

    def _count(self, result: Result) -> None:
        """The aggregates: phases, statuses, the phase x pillar cells, the most frequent high risks."""
        self.phase_notebooks.update(result["phases"])
        self.by_status.update(result["by_status"])
        answers = result["answers"]
        if not answers:
            self.no_answers.append(result["path"])
        for pid in result["applicable"]:
            cell = self._cell(pid)
            cell["applicable"] += 1
            cell["covered"] += WEIGHTS.get(_status(answers.get(pid)), 0.0)
        for risk in result["open_risks"]:
            self._cell(risk["practice"])[f"open_{risk['risk']}"] += 1
            if risk["risk"] == "high":
                self.high_risks[self.ids.get(risk["practice"]) or self.lens.practice(risk["practice"]).id] += 1

    def _tally(self, found: Path | None) -> WorkloadTally:
        """The workload a notebook belongs to: its review file's, or the unreviewed group."""
        if found not in self.tallies:
            review = load_review(found, self.lens) if found else None
            self.tallies[found] = WorkloadTally(self.lens, found, review, workload_answers(review, self.lens))
            self.workload_keys[found] = shown_path(found) if found else None
        return self.tallies[found]

    def workloads(self) -> list[dict]:
        """Each workload's section, reviewed ones by path, the unreviewed group last; with the answers
        recorded for the workload, which its notebooks inherit."""
        tallies = sorted(self.tallies.items(), key=lambda item: (item[0] is None, str(item[0])))
        return [{**tally.finish(), "answers": _answers(tally.answers, "workload")}
                for _, tally in tallies if tally.notebooks]

    def _cell(self, pid: str) -> Counter:
        """The phase x pillar counters of a practice."""
        cell = self.cell_of.get(pid)
        if cell is None:
            practice = self.lens.practice(pid)
            cell = self.cells[(practice.phase, practice.pillar)]
        return cell

    def _shared(self, record: Result) -> Result:
        """The record with its phases and status counts shared with every record that has the same
        (results from workers arrive with copies of their own)."""
        shared = self.shared
        record["phases"] = shared.setdefault(tuple(record["phases"]), record["phases"])
        counts = record["by_status"]
        record["by_status"] = shared.setdefault(tuple(counts.values()), counts)
        opened = record["open"]
        record["open"] = shared.setdefault(("open", opened["high"], opened["medium"]), opened)
        return record

    def note(self, entry: Entry) -> None:
        if entry.kind == "excluded":
            self.excluded += 1
        elif entry.kind == "unreadable":
            self.unreadable.append({"path": display_path(entry.path), "reason": entry.reason})
        else:
            self.skipped.append({"path": display_path(entry.path), "reason": entry.reason})

    def matrix(self) -> dict[str, dict[str, dict]]:
        matrix: dict[str, dict[str, dict]] = {}
        practices = Counter((p.phase, p.pillar) for p in self.lens.practices)
        for phase in self.lens.phases:
            row = matrix[phase.id] = {}
            for pillar in self.lens.pillars:
                cell = self.cells[(phase.id, pillar.id)]
                applicable = cell["applicable"]
                row[pillar.id] = {
                    "practices": practices[(phase.id, pillar.id)],
                    "applicable": applicable,
                    "covered": cell["covered"],
                    "coverage": round(cell["covered"] / applicable, 4) if applicable else None,
                    "open_high": cell["open_high"],
                    "open_medium": cell["open_medium"],
                }
        return matrix

    def top_high_risks(self) -> list[dict]:
        order = {p.id: i for i, p in enumerate(self.lens.practices)}
        ranked = sorted(self.high_risks.items(), key=lambda item: (-item[1], order[item[0]]))
        return [{"practice": pid, "notebooks": count} for pid, count in ranked[:TOP_RISKS]]

    def summary(self, workloads: list[dict]) -> dict:
        by_status = self.by_status
        open_risks = Counter(p["risk"] for w in workloads for p in w["practices"] if p["risk"])
        return {
            "workloads": len(workloads),
            "notebooks": len(self.notebooks),
            "unreadable": len(self.unreadable),
            "skipped": len(self.skipped),
            "excluded": self.excluded,
            "with_answers": len(self.notebooks) - len(self.no_answers),
            "applicable": sum(by_status.values()),
            "by_status": {status: by_status.get(status, 0) for status in COUNTED_STATUSES},
            "open_high": open_risks.get("high", 0),
            "open_medium": open_risks.get("medium", 0),
            "coverage": coverage_of(by_status),
            "phase_notebooks": {phase.id: self.phase_notebooks.get(phase.id, 0) for phase in self.lens.phases},
        }

    def gate(self, changes: dict | None) -> dict:
        """Exit 3 for unreadable files, else 1 when an open risk at or above `fail_on` remains (with a
        baseline: only a new one), else 0."""
        failing = [r["path"] for r in self.notebooks if _fails(r, self.fail_on)]
        if changes is not None:
            new = [c for c in changes["changes"] if c["change"] == "new" and _at_least(c["risk"], self.fail_on)]
            failing = sorted({path for c in new for path in c["notebooks"]})
        code = EXIT_UNREADABLE if self.unreadable else EXIT_CHECK_FAILED if failing else EXIT_OK
        return {"fail_on": self.fail_on, "failing_notebooks": len(failing), "exit_code": code}

    def finish(self) -> dict:
        """The report (plain data; keys documented in `schemas/audit-report.v3.schema.json`)."""
        workloads = self.workloads()
        changes = self.baseline.compare(workloads) if self.baseline else None
        workloads = [_counted(w) for w in workloads]
        report = {
            "report_version": REPORT_VERSION,
            "tool": {"name": "mllens", "version": __version__},
            "paths": list(self.paths),
            "lens": _lens_data(self.lens),
            "summary": self.summary(workloads),
            "gate": self.gate(changes),
            "workloads": workloads,
            "matrix": self.matrix(),
            "top_high_risks": self.top_high_risks(),
            "no_answers": self.no_answers,
            "notebooks": self.notebooks,
            "unreadable": sorted(self.unreadable, key=lambda u: u["path"]),
            "skipped": sorted(self.skipped, key=lambda s: s["path"]),
        }
        if changes is not None:
            report["baseline"] = changes
        return report


def _counted(workload: dict) -> dict:
    """A workload's section with, for each practice, how many of its notebooks it applies to (which
    ones follows from their records' phases)."""
    return {**workload, "practices": [{**p, "notebooks": len(p["notebooks"])} for p in workload["practices"]]}


def _fails(record: Result, fail_on: str | None) -> bool:
    """Whether a notebook's record has an open risk at or above `fail_on`."""
    opened = record["open"]
    return bool(fail_on) and (opened["high"] > 0 or (fail_on == "medium" and opened["medium"] > 0))


def _at_least(risk: str, fail_on: str | None) -> bool:
    return bool(fail_on) and RISK_RANK[risk] >= RISK_RANK[fail_on]


class Auditor(LoggingConfigurable):
    """Audits notebooks and folders against a lens; configurable as `c.Auditor.*` or on the command line."""

    exclude = List(Unicode(), help="Globs of files or folders not to audit (added to [tool.mllens] exclude).").tag(
        config=True
    )
    jobs = Int(1, min=0, help="Worker processes reading notebooks in parallel; 0 means one per CPU.").tag(config=True)
    fail_on = Enum(
        ["high", "medium"], None, allow_none=True, help="Exit with 1 when an open risk at or above this level remains."
    ).tag(config=True)
    batch_size = Int(8, min=1, help="Notebooks handed to a worker process at a time.").tag(config=True)
    review = Unicode("", help="The workload's review file for every notebook audited (default: each notebook's "
                     "nearest mllens-review.yaml above it, or [tool.mllens] review).").tag(config=True)
    baseline = Unicode("", help="A milestone name or a JSON audit report: report the risks that are new and "
                       "resolved since, and fail only on new ones.").tag(config=True)

    def worker_count(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)

    def entries(self, paths: Iterable[str]) -> Iterator[Entry]:
        """The walk over `paths`; raises UsageError at once if one does not exist."""
        return iter_entries(paths, self.exclude)

    def run(
        self,
        paths: Iterable[str],
        lens: Lens,
        on_result: Callable[[Result], None] | None = None,
        inference: Any = None,
    ) -> dict:
        """Audit every notebook under `paths` and return the report."""
        paths = list(paths)
        entries = self.entries(paths)
        baseline = Baseline.named(self.baseline, paths, lens, self.review or None) if self.baseline else None
        builder = ReportBuilder(lens, paths, self.fail_on, self.review or None, baseline)
        stream = _Stream(lens, self.worker_count(), self.batch_size, builder.note, inference)
        with collection_between_notebooks():
            for result in stream.results(entries):
                builder.add(result)
                if on_result is not None:
                    on_result(result)
        return builder.finish()
