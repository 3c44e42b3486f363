"""Speed of stage inference per code cell, against parsing the same cells, measured in the same run.

For every code cell of the notebooks under shared/corpora, in notebook order (so that names resolve
across cells as they do for real), it times:
  - inference: everything `infer_cells` does for that cell (parse, facts, name resolution, scoring,
    headings), with the parse cache emptied first so that no cell is ever served from it;
  - baseline: IPython's TransformerManager.transform_cell followed by ast.parse of the same source,
    the least any tool must do to read a notebook cell as Python.
Prints the median and 99th percentile of each, and their ratios. Targets: median under 1 ms per cell,
at most 3x the baseline. Run: python benchmarks/inference_speed.py [--shared PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from IPython.core.inputtransformer2 import TransformerManager  # noqa: E402

from mllens_jupyter.inference import read_code  # noqa: E402
from mllens_jupyter.inference.cells import CellWalk  # noqa: E402
from mllens_jupyter.inference.signals import load_signals  # noqa: E402


def default_shared() -> Path:
    return Path(__file__).resolve().parents[1].parent / "shared"


def notebooks(shared: Path) -> list[list[dict]]:
    found = []
    for path in sorted((shared / "corpora").rglob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells")
        except (OSError, ValueError):
            continue
        if isinstance(cells, list):
            found.append([c for c in cells if isinstance(c, dict)])
    return found


def time_inference(cells_of: list[list[dict]]) -> list[float]:
    """Seconds per code cell for the inference, cache emptied before each cell."""
    signals = load_signals()
    times = []
    for cells in cells_of:
        walk = CellWalk(signals)
        for index, cell in enumerate(cells):
            read_code._facts_for_text.cache_clear()
            start = time.perf_counter()
            walk.cell(index, cell)
            elapsed = time.perf_counter() - start
            if cell.get("cell_type") == "code":
                times.append(elapsed)
    return times


def time_baseline(cells_of: list[list[dict]]) -> list[float]:
    """Seconds per code cell for TransformerManager.transform_cell + ast.parse."""
    manager = TransformerManager()
    times = []
    for cells in cells_of:
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = read_code.source_text(cell.get("source"))
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ast.parse(manager.transform_cell(source))
            except Exception:  # the baseline pays for failures too
                pass
            times.append(time.perf_counter() - start)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def best_of(measure, cells_of, repeat: int) -> list[float]:
    """Per cell, the fastest of `repeat` runs (the least disturbed by other work on the machine)."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        runs.append(measure(cells_of))
    return [min(values) for values in zip(*runs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=default_shared(), help="the shared/ folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; the fastest counts per cell")
    args = parser.parse_args(argv)
    cells_of = notebooks(args.shared)
    if not cells_of:
        print(f"no notebooks under {args.shared / 'corpora'}; give --shared PATH", file=sys.stderr)
        return 2
    time_inference(cells_of[:20])  # warm up imports and the signal tables
    ours = best_of(time_inference, cells_of, args.repeat)
    base = best_of(time_baseline, cells_of, args.repeat)
    ms = 1000.0
    print(f"Stage inference speed over {len(ours)} code cells of {len(cells_of)} notebooks (best of {args.repeat} runs)")
    print(f"  {'':34} {'median':>10} {'p99':>10} {'total':>10}")
    for name, values in (("inference (cache emptied per cell)", ours), ("baseline: transform_cell + parse", base)):
        print(f"  {name:34} {statistics.median(values) * ms:8.3f}ms {percentile(values, 0.99) * ms:8.3f}ms "
              f"{sum(values):9.2f}s")
    print(f"  ratio inference / baseline: median {statistics.median(ours) / statistics.median(base):.2f}x, "
          f"p99 {percentile(ours, 0.99) / percentile(base, 0.99):.2f}x, total {sum(ours) / sum(base):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
