"""How `mllens audit` scales: a repository of 10,000 notebooks against the 742 of the shared corpora.

The large repository is the shared corpora written over and over into a temporary folder: --copies of
them (14 by default, 10,388 notebooks), real files that the walk finds and reads like any other. So
that no cache of text (parsed cells, markdown headings and text) can serve one copy from another, copy
N ends every cell with a line of its own (`# copy N` in code, `<!-- copy N -->` in markdown), which
no signal reads; names (`df`, `model`) are shared across copies as they are across real notebooks.
Files that are not JSON are copied as they are.

Each audit is a whole `mllens audit --format json -o FILE` (the report written streaming) in a fresh
process whose imports are done before the clock starts, as --jobs 1. Runs take turns: the corpora,
the large repository, the corpora again, ... (--repeat rounds); each side keeps its best time. Printed:
seconds and milliseconds per notebook of both, their ratio (target <= 1.1x), the peak RSS of the
large run (ru_maxrss; target < 300 MB) against the corpora's, and the size of both JSON reports.

    python benchmarks/audit_scale.py [--shared ../shared] [--copies 14] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO, TARGET_MB = 1.1, 300

PROBE = """
import json, resource, sys, time
from mllens_jupyter import audit, cli, report
from mllens_jupyter.lens import get_lens
from mllens_jupyter.report import formats
get_lens(); formats.get("json"); audit.warm_up(get_lens())
start = time.perf_counter()
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak_kb}), file=sys.__stderr__)
"""


def marked(notebook: dict, copy: int) -> dict:
    """The notebook with every cell ending in a line that names the copy."""
    for cell in notebook.get("cells") or ():
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        mark = f"# copy {copy}" if cell.get("cell_type") == "code" else f"<!-- copy {copy} -->"
        cell["source"] = f"{source}\n{mark}"
    return notebook


def copy_tree(source: Path, target: Path, copy: int) -> None:
    """`source`'s files under `target`, each notebook's cells marked with `copy`."""
    for folder, _, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(folder) / name
            try:
                if name.endswith(".ipynb"):
                    notebook = json.loads(path.read_bytes())
                    if isinstance(notebook, dict):
                        (into / name).write_text(json.dumps(marked(notebook, copy)), encoding="utf-8")
                        continue
            except (ValueError, OSError):
                pass
            shutil.copy2(path, into / name)


def audited(path: Path, output: Path) -> dict:
    """Seconds, peak RSS and report of one `mllens audit --format json` run in a fresh process."""
    args = ["audit", str(path), "--format", "json", "--jobs", "1", "-o", str(output)]
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=7200)
    usage = json.loads(done.stderr.strip().splitlines()[-1])
    with output.open(encoding="utf-8") as handle:
        summary = json.load(handle)["summary"]
    return {**usage, "notebooks": summary["notebooks"] + summary["unreadable"], "bytes": output.stat().st_size}


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda run: run["seconds"]) | {"peak_kb": max(run["peak_kb"] for run in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder (has corpora/)")
    parser.add_argument("--copies", type=int, default=14, help="copies of the corpora in the large repository")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; each side keeps its best time")
    args = parser.parse_args()
    corpora = (args.shared / "corpora").resolve()
    if not corpora.is_dir():
        print(f"audit_scale: no corpora at {corpora} (give --shared)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mllens-scale-") as tmp:
        large = Path(tmp) / "repository"
        for copy in range(args.copies):
            copy_tree(corpora, large / f"copy-{copy:02d}", copy)
        small_runs, large_runs = [], []
        for _ in range(args.repeat):
            small_runs.append(audited(corpora, Path(tmp) / "small.json"))
            large_runs.append(audited(large, Path(tmp) / "large.json"))
        small_runs.append(audited(corpora, Path(tmp) / "small.json"))
    small, big = best(small_runs), best(large_runs)
    per_small, per_large = (run["seconds"] / run["notebooks"] * 1000 for run in (small, big))
    ratio, peak = per_large / per_small, big["peak_kb"] / 1024
    print(f"corpora:    {small['notebooks']:6d} notebooks  {small['seconds']:7.1f} s  {per_small:6.2f} ms/notebook  "
          f"peak {small['peak_kb'] / 1024:5.0f} MB  JSON {small['bytes'] / 1e6:6.1f} MB")
    print(f"repository: {big['notebooks']:6d} notebooks  {big['seconds']:7.1f} s  {per_large:6.2f} ms/notebook  "
          f"peak {peak:5.0f} MB  JSON {big['bytes'] / 1e6:6.1f} MB  ({args.copies} copies of the corpora)")
    print(f"time per notebook, repository / corpora: {ratio:.2f}x  "
          f"({'meets' if ratio <= TARGET_RATIO else 'MISSES'} target <= {TARGET_RATIO}x); each run (s): corpora "
          + ", ".join(f"{r['seconds']:.1f}" for r in small_runs) + "; repository "
          + ", ".join(f"{r['seconds']:.1f}" for r in large_runs))
    print(f"peak memory of the repository's audit: {peak:.0f} MB "
          f"({'meets' if peak < TARGET_MB else 'MISSES'} target < {TARGET_MB} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
