"""How fast `mllens audit` is on the shared corpora, against a baseline measured in the same run.

Baseline: for every notebook, read the file, `json.loads` it, and for every code cell run IPython's
`TransformerManager().transform_cell` and `ast.parse`, in one process. That is the least any audit
must do to look at the code.

Printed: notebooks per second of the baseline and of the audit with --jobs 1 and --jobs 2, the
ratio audit/baseline (target <= 1.5; with the ratio of each round alone, whose spread shows how far
one measurement can be trusted on this machine), the speed-up of --jobs 2 over --jobs 1 (target
>= 1.6 on two cores), and the peak memory of a whole `mllens audit --format json` run (target
< 250 MB).

Every timed run happens in a process forked, after every import and after the tables are loaded,
from one that never audits (importing nbformat, jsonschema or IPython costs seconds here and is the
same for any run). So each run starts as `mllens audit` does, remembering nothing from an earlier
run: what it learns on the way (names, headings, parsed cells) counts only within the run.

The ratio is measured in pairs: the corpus is cut into chunks of --chunk notebooks (a chunk never
spans two top-level folders of the corpora, whose ratios are printed apart too: the ratio grows with
the share of markdown, which the baseline skips, and as code cells get smaller), and a process
goes through them in order, running each chunk by the baseline and by `Auditor(jobs=1)` one right
after the other (which goes first alternates). Of --repeat such rounds, each side's time is the sum
over chunks of its best time on the chunk. A shared machine's speed drifts by tens of percent within
a minute; measured this way, the drift weighs on both sides of every pair alike. The speed-up of
--jobs 2 is measured on whole-corpus runs, best of --repeat, the two audits taking turns.

Peak memory is measured in a fresh process running the real command line: its own peak RSS (`ru_maxrss` of RUSAGE_SELF) plus, with
--jobs 2, that of its largest worker (RUSAGE_CHILDREN) times the number of workers, an upper bound
because forked workers share pages with the parent.

    python benchmarks/audit_speed.py [--shared ../shared | --corpora FOLDER] [--repeat 3] [--chunk 25]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO, TARGET_SPEEDUP, TARGET_MB = 1.5, 1.6, 250

MEMORY_PROBE = """
import json, resource, sys
from mllens_jupyter.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"self_kb": self_kb, "children_kb": children_kb}), file=sys.__stderr__)
"""


def notebook_paths(root: Path) -> list[Path]:
    from mllens_jupyter.walk import iter_entries

    return [Path(e.path) for e in iter_entries([str(root)]) if e.kind == "notebook"]


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def baseline(paths: list[Path]) -> int:
    """Read, json.loads, IPython-transform and ast.parse every code cell; returns cells parsed."""
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    parsed = 0
    for path in paths:
        try:
            notebook = json.loads(path.read_bytes())
        except ValueError:
            continue
        for cell in notebook.get("cells") or notebook.get("worksheets", [{}])[0].get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            try:
                ast.parse(manager.transform_cell(cell_source(cell)))
                parsed += 1
            except Exception:  # syntax errors, other kernels' languages: the baseline just moves on
                pass
    return parsed


def breakdown(paths: list[Path], lens) -> dict[str, float]:
    """Seconds spent, over one single-process pass as `Auditor(jobs=1)` makes it, reading notebooks,
    inferring their stages together with the evidence (one walk over the cells), and joining the
    result with the lens and the answers."""
    from mllens_jupyter import inference
    from mllens_jupyter.audit import collection_between_notebooks, notebook_result
    from mllens_jupyter.notebook import read_notebook

    spent = {"read": 0.0, "inference with evidence": 0.0, "audit": 0.0}

    def clock(key, function):
        def run(*args):
            start = time.perf_counter()
            try:
                return function(*args)
            finally:
                spent[key] += time.perf_counter() - start
        return run

    probe = type("Probe", (), {"infer_with_evidence": staticmethod(clock("inference with evidence",
                                                                         inference.infer_with_evidence))})
    with collection_between_notebooks():
        for path in paths:
            try:
                notebook = clock("read", read_notebook)(path)
            except Exception:
                continue
            clock("audit", notebook_result)(str(path), notebook, lens, probe)
    spent["join"] = spent.pop("audit") - spent["inference with evidence"]
    return spent


def in_fresh_process(function, *args):
    """`function(*args)` run in a child forked from this process, its result (JSON) sent back. The
    parent never audits, so every run starts as `mllens audit` would: imports done and tables
    loaded, but nothing remembered from an earlier run (names, headings, parsed cells)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "w") as out:
                json.dump(function(*args), out)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as received:
        text = received.read()
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code != 0 or not text:
        raise RuntimeError(f"the measuring process failed (exit code {code})")
    return json.loads(text)


def _paired_round(chunks: list[list[str]], lens, audit_first: bool) -> dict[str, list[float]]:
    """One run over the corpus, chunk by chunk, baseline and audit one right after the other."""
    from mllens_jupyter.audit import Auditor

    sides = {
        "baseline": lambda part: baseline([Path(p) for p in part]),
        "audit": lambda part: Auditor(jobs=1).run(part, lens),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for index, part in enumerate(chunks):
        order = list(sides) if (index % 2 == 0) != audit_first else list(reversed(sides))
        for name in order:
            start = time.perf_counter()
            sides[name](part)
            times[name].append(time.perf_counter() - start)
    return times


def corpus_part(path: Path, corpora: Path) -> str:
    """The top-level folder of the corpora that a notebook is under ("." for one right in the root)."""
    parts = path.relative_to(corpora).parts
    return parts[0] if len(parts) > 1 else "."


def chunked(paths: list[Path], corpora: Path, size: int) -> list[tuple[str, list[str]]]:
    """The notebooks in order, cut into chunks of `size` that never straddle two parts of the corpora."""
    chunks: list[tuple[str, list[str]]] = []
    for path in paths:
        part = corpus_part(path, corpora)
        if not chunks or chunks[-1][0] != part or len(chunks[-1][1]) >= size:
            chunks.append((part, []))
        chunks[-1][1].append(str(path))
    return chunks


def paired_times(paths: list[Path], corpora: Path, lens, repeat: int, chunk: int) -> tuple[float, float, list[float], dict]:
    """(baseline, audit --jobs 1) seconds: per chunk of notebooks, the best of `repeat` runs of each,
    summed over the chunks; the ratio audit/baseline of each round alone, to show how far the
    machine's drift moves it; and per part of the corpora, its (notebooks, baseline, audit) seconds.
    Each round is one fresh process going through the corpus in order."""
    chunks = chunked(paths, corpora, chunk)
    rounds = [in_fresh_process(_paired_round, [c for _, c in chunks], lens, turn % 2 == 1) for turn in range(repeat)]
    best = [[min(r[side][i] for r in rounds) for side in ("baseline", "audit")] for i in range(len(chunks))]
    parts: dict[str, list] = {}
    for (part, notebooks), (base, audit) in zip(chunks, best):
        totals = parts.setdefault(part, [0, 0.0, 0.0])
        totals[0] += len(notebooks)
        totals[1] += base
        totals[2] += audit
    return (sum(b for b, _ in best), sum(a for _, a in best),
            [sum(r["audit"]) / sum(r["baseline"]) for r in rounds], parts)


def _timed_audit(paths: list[str], lens, jobs: int) -> tuple[float, dict]:
    from mllens_jupyter.audit import Auditor

    start = time.perf_counter()
    report = Auditor(jobs=jobs).run(paths, lens)
    return time.perf_counter() - start, report


def whole_runs(corpora: Path, lens, repeat: int) -> tuple[float, float, dict, bool]:
    """Best seconds of whole-corpus audits with --jobs 1 and --jobs 2 (taking turns, each in a fresh
    process), the --jobs 1 report, and whether the two reports are identical."""
    best, reports = {1: float("inf"), 2: float("inf")}, {}
    for _ in range(repeat):
        for jobs in best:
            seconds, reports[jobs] = in_fresh_process(_timed_audit, [str(corpora)], lens, jobs)
            best[jobs] = min(best[jobs], seconds)
    same = json.dumps(reports[1], sort_keys=True) == json.dumps(reports[2], sort_keys=True)
    return best[1], best[2], reports[1], same



def peak_memory_mb(corpora: Path, jobs: int) -> tuple[float, float]:
    """(own peak RSS, upper bound with workers) in MB of a whole `mllens audit --format json` run."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [str(corpora), "--format", "json", "--jobs", str(jobs), "-o", str(Path(tmp) / "report.json")]
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, "audit", *args], capture_output=True, text=True, cwd=REPO, timeout=1800
        )
    usage = json.loads(done.stderr.strip().splitlines()[-1])
    own = usage["self_kb"] / 1024
    workers = usage["children_kb"] / 1024 * jobs if jobs > 1 else 0.0
    return own, own + workers


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder (has corpora/)")
    parser.add_argument("--corpora", type=Path, help="a folder of notebooks to measure on (default: SHARED/corpora)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--chunk", type=int, default=25, help="notebooks per chunk of the paired baseline/audit runs")
    args = parser.parse_args()
    corpora = (args.corpora or args.shared / "corpora").resolve()
    if not corpora.is_dir():
        print(f"audit_speed: no corpora at {corpora} (give --shared or --corpora)", file=sys.stderr)
        return 2

    from mllens_jupyter.audit import warm_up
    from mllens_jupyter.lens import get_lens

    lens = get_lens()
    paths = notebook_paths(corpora)
    count = len(paths)
    cells = baseline(paths)  # warms the file cache and IPython's caches for both sides
    warm_up(lens)  # loads the tables, as `mllens audit` does before its first notebook

    t_base, t_one, round_ratios, parts = paired_times(paths, corpora, lens, args.repeat, max(1, args.chunk))
    t_whole, t_two, report, same = whole_runs(corpora, lens, args.repeat)
    spent = in_fresh_process(breakdown, paths, lens)
    own_one, total_one = peak_memory_mb(corpora, 1)
    own_two, total_two = peak_memory_mb(corpora, 2)

    ratio, speedup = t_one / t_base, t_whole / t_two
    summary = report["summary"]
    print(f"corpus: {corpora} — {count} notebooks, {cells} code cells parsed by the baseline; "
          f"audit: {summary['notebooks']} audited, {summary['unreadable']} unreadable; cpus: {os.cpu_count()}")
    print(f"in pairs, chunks of {args.chunk} notebooks:")
    print(f"  baseline (read + json.loads + transform_cell + ast.parse): {t_base:6.2f} s  {count / t_base:7.1f} notebooks/s")
    print(f"  audit --jobs 1:                                            {t_one:6.2f} s  {count / t_one:7.1f} notebooks/s")
    print("whole corpus:")
    print(f"  audit --jobs 1:                                            {t_whole:6.2f} s  {count / t_whole:7.1f} notebooks/s")
    print(f"  audit --jobs 2:                                            {t_two:6.2f} s  {count / t_two:7.1f} notebooks/s")
    print("audit --jobs 1 time spent: " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
          + " (one instrumented pass)")
    print(f"ratio audit/baseline (jobs 1): {ratio:.2f}x  ({verdict(ratio <= TARGET_RATIO)} <= {TARGET_RATIO}x); "
          f"each round alone: {', '.join(f'{r:.2f}x' for r in round_ratios)}")
    print("  by part of the corpora: " + "; ".join(
        f"{part} ({n} notebooks) {audit / base:.2f}x" for part, (n, base, audit) in sorted(parts.items())))
    print(f"speed-up jobs 2 / jobs 1:      {speedup:.2f}x  ({verdict(speedup >= TARGET_SPEEDUP)} >= {TARGET_SPEEDUP}x)")
    print(f"peak memory, jobs 1: {own_one:.0f} MB  ({verdict(total_one < TARGET_MB)} < {TARGET_MB} MB)")
    print(f"peak memory, jobs 2: {own_two:.0f} MB main process, {total_two:.0f} MB with both workers "
          f"(upper bound; {verdict(total_two < TARGET_MB)} < {TARGET_MB} MB)")
    print(f"jobs 2 report identical to jobs 1: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
