"""What a workload's review file costs an audit: the shared corpora audited with a review file at their
root, against the same audit without one, measured in the same run.

Two folders are made in a temporary place, each holding a link to the corpora and a `.git` folder (so
that looking for a review file stops there, as it does at a repository's root); one also holds an
`mllens-review.yaml` answering a third of the lens's practices. Both are audited with
`Auditor(jobs=1)`, each run in a fresh process forked after every import (as `audit_speed.py` does),
the two taking turns; each side's time is its best of --repeat. With the review, every notebook's
folder is searched for a review file, the file is read once, every notebook's answers are merged
with the workload's and the practices are tallied per workload.

Printed: both times and the ratio with/without (target <= 1.1), and the open high risks of the
workload counted in practices against the per-notebook count it replaces.

    python benchmarks/review_overhead.py [--shared ../shared | --corpora FOLDER] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_speed import in_fresh_process  # noqa: E402

TARGET = 1.1


def make_root(base: Path, corpora: Path, lens, reviewed: bool) -> Path:
    """A folder that looks like a repository holding the corpora, with a review file or without."""
    from mllens_jupyter import review as reviews

    root = base / ("reviewed" if reviewed else "plain")
    (root / ".git").mkdir(parents=True)
    (root / "corpora").symlink_to(corpora.resolve(), target_is_directory=True)
    if reviewed:
        review = reviews.new_review(lens, "Shared corpora", owner="bench")
        for index, practice in enumerate(lens.practices[::3]):
            status = ("done", "partial", "todo")[index % 3]
            review = reviews.with_workload_answer(review, practice.id, {"status": status, "owner": "bench"})
        reviews.create(root / reviews.REVIEW_FILE, review)
    return root / "corpora"


def timed_audit(path: str, lens) -> tuple[float, dict]:
    from mllens_jupyter.audit import Auditor

    start = time.perf_counter()
    report = Auditor(jobs=1).run([path], lens)
    seconds = time.perf_counter() - start
    per_notebook = sum(nb["open"]["high"] for nb in report["notebooks"])
    return seconds, {"notebooks": report["summary"]["notebooks"], "workload_high": report["summary"]["open_high"],
                     "notebook_high": per_notebook}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    parser.add_argument("--corpora", type=Path, help="a folder of notebooks instead of shared/corpora")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best counts")
    args = parser.parse_args()
    corpora = args.corpora or args.shared / "corpora"
    if not corpora.is_dir():
        print(f"no notebooks at {corpora}; give --shared or --corpora", file=sys.stderr)
        return 2
    from mllens_jupyter.inference import load_signals
    from mllens_jupyter.lens import get_lens

    lens = get_lens()
    load_signals().prepare()
    with tempfile.TemporaryDirectory() as tmp:
        paths = {reviewed: str(make_root(Path(tmp), corpora, lens, reviewed)) for reviewed in (False, True)}
        best, counts = {False: float("inf"), True: float("inf")}, {}
        for turn in range(args.repeat):
            for reviewed in ((False, True) if turn % 2 == 0 else (True, False)):
                seconds, found = in_fresh_process(timed_audit, paths[reviewed], lens)
                best[reviewed] = min(best[reviewed], seconds)
                counts = found if reviewed else counts
    ratio = best[True] / best[False]
    print(f"audit of {counts['notebooks']} notebooks, --jobs 1, best of {args.repeat}:")
    print(f"  without a review file  {best[False]:7.2f} s")
    print(f"  with a review file     {best[True]:7.2f} s   ratio {ratio:.3f}x (target <= {TARGET}x): "
          f"{'ok' if ratio <= TARGET else 'OVER'}")
    print(f"  open high risks: {counts['workload_high']} counted in practices for the workload, against "
          f"{counts['notebook_high']} counted per notebook")
    return 0


if __name__ == "__main__":
    sys.exit(main())
