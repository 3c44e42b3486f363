"""How long `%load_ext mllens_jupyter` and `%mllens` take, against baselines measured in the same run.

1. `%load_ext mllens_jupyter` in a fresh process: a fresh Python starting an IPython shell and loading
   the extension, against the same process starting the shell and doing nothing else (median of
   --runs each, interleaved). Target: < 500 ms more than the baseline.
2. `%mllens` in a warm kernel: a real IPython kernel (jupyter_client), whose input history holds
   --cells code cells of real notebooks from the shared corpora (as if they had been run), loads the
   extension and runs `%mllens` once; then the median of --runs round trips of `%mllens`
   (execute request to idle: inference, the panel's widgets and their comm messages) against the
   median round trip of `pass`. No frontend answers the hello, as in a kernel without JupyterLab.
   Target: < 300 ms.

    python benchmarks/magic_speed.py [--runs 15] [--cells 80] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_LOAD_MS, TARGET_MAGIC_MS = 500, 300

START_SHELL = "from IPython.testing.globalipapp import start_ipython\nip = start_ipython()\n"
LOAD = ("import time\nstarted = time.perf_counter()\nip.run_line_magic('load_ext', 'mllens_jupyter')\n"
        "print(time.perf_counter() - started)\n")


def process_seconds(code: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300)
    return time.perf_counter() - started, done.stdout


def load_ext_cost(runs: int) -> tuple[float, float, float]:
    """Medians (s): a fresh process starting IPython, the same loading the extension, and the
    `%load_ext` call itself as timed inside that process."""
    base, loaded, inside = [], [], []
    for _ in range(runs):
        base.append(process_seconds(START_SHELL)[0])
        seconds, output = process_seconds(START_SHELL + LOAD)
        loaded.append(seconds)
        inside.append(float(output.split()[-1]))
    return statistics.median(base), statistics.median(loaded), statistics.median(inside)


def history_sources(shared: Path, count: int) -> list[str]:
    """The first `count` non-empty code cells of the corpora's notebooks, in path order."""
    sources: list[str] = []
    for path in sorted((shared / "corpora").rglob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if cell.get("cell_type") == "code" and source.strip():
                sources.append(source)
        if len(sources) >= count:
            return sources[:count]
    return sources


def round_trip(client, code: str) -> float:
    started = time.perf_counter()
    reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"kernel error running {code!r}: {reply['content'].get('evalue')}")
    return elapsed


def kernel_figures(sources: list[str], runs: int) -> dict[str, float]:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        round_trip(client, "pass")
        setup = f"get_ipython().history_manager.input_hist_raw.extend({sources!r})"
        round_trip(client, setup)
        load = round_trip(client, "%load_ext mllens_jupyter")
        first = round_trip(client, "%mllens")
        magic = [round_trip(client, "%mllens") for _ in range(runs)]
        baseline = [round_trip(client, "pass") for _ in range(runs)]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"load_in_kernel": load, "first": first, "magic": statistics.median(magic),
            "baseline": statistics.median(baseline)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cells", type=int, default=80)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()

    base, loaded, inside = load_ext_cost(max(5, args.runs // 2))
    load_ms = max(loaded - base, inside) * 1000
    print(f"%load_ext mllens_jupyter, fresh process: {loaded * 1000:.0f} ms vs {base * 1000:.0f} ms for IPython "
          f"alone ({(loaded - base) * 1000:+.0f} ms); the call itself {inside * 1000:.0f} ms "
          f"-> {load_ms:.0f} ms (target < {TARGET_LOAD_MS} ms)")

    sources = history_sources(args.shared, args.cells)
    figures = kernel_figures(sources, args.runs)
    net_ms = (figures["magic"] - figures["baseline"]) * 1000
    print(f"%load_ext in a running kernel: {figures['load_in_kernel'] * 1000:.0f} ms round trip")
    print(f"%mllens, kernel with {len(sources)} cells of history: first run {figures['first'] * 1000:.0f} ms; "
          f"warm median {figures['magic'] * 1000:.0f} ms vs {figures['baseline'] * 1000:.0f} ms for `pass` "
          f"-> {net_ms:.0f} ms (target < {TARGET_MAGIC_MS} ms)")
    ok = load_ms < TARGET_LOAD_MS and net_ms < TARGET_MAGIC_MS
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
