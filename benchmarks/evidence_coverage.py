"""How many notebooks of the shared corpora show evidence for each practice of the bundled lens.

Evidence is a hint shown to the user (an import, a call or a keyword from the practice's `evidence`),
never an answer. This prints, per practice with evidence, the number and share of corpus notebooks in
which `find_evidence` finds it, then the practices that no notebook shows.
Run: python benchmarks/evidence_coverage.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mllens_jupyter.errors import UnreadableNotebookError  # noqa: E402
from mllens_jupyter.inference import find_evidence  # noqa: E402
from mllens_jupyter.lens import get_lens  # noqa: E402
from mllens_jupyter.notebook import read_notebook  # noqa: E402


def count_evidence(paths: list[Path], lens) -> tuple[Counter, int]:
    """Notebooks per practice id, and the number of notebooks with any evidence at all."""
    counts: Counter = Counter()
    any_evidence = 0
    for path in paths:
        try:
            found = find_evidence(read_notebook(path)["cells"], lens)
        except UnreadableNotebookError:
            continue
        counts.update(found.keys())
        any_evidence += bool(found)
    return counts, any_evidence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    paths = sorted((args.shared / "corpora").rglob("*.ipynb"))
    lens = get_lens()
    counts, any_evidence = count_evidence(paths, lens)
    with_evidence = [p for p in lens.practices if p.evidence]
    if args.json:
        print(json.dumps({p.id: counts[p.id] for p in with_evidence}, indent=1))
        return
    print(f"{len(paths)} notebooks; {len(with_evidence)} of {len(lens.practices)} practices have evidence signals")
    for practice in sorted(with_evidence, key=lambda p: -counts[p.id]):
        share = counts[practice.id] / max(len(paths), 1)
        print(f"  {practice.id:<14} {counts[practice.id]:>4} notebooks ({share:6.1%})  {practice.title}")
    silent = [p.id for p in with_evidence if not counts[p.id]]
    print(f"practices with evidence signals that no notebook shows: {len(silent)} {' '.join(silent)}")
    print(f"notebooks showing evidence for at least one practice: {any_evidence} of {len(paths)}")


if __name__ == "__main__":
    main()
