"""Merge two labellers' cell labels into cell_labels.jsonl (version 2 of the stage conventions).

Input, a labelling folder as it was handed to the labellers and returned:
  manifest.json        one entry per notebook: file, notebook, cells, split, source, new
  input/nbXX.txt       the packet: "NOTEBOOK <name>", "CELLS <n>", then "=== CELL i ===" and the code
  out/A/nbXX.jsonl     labeller A: {"cell": i, "stages": [...], "primary": stage|null} or
  out/B/nbXX.jsonl     {"cell": i, "undecided": true}; labeller B likewise

Each cell's `stages` is the union of what the two gave (null when both were undecided: such a cell
is left out of scores), its `primary` the primary both gave when they agree (else null), and
`labels` keeps both readings. The notebooks already in the file keep their order, the new ones follow
in the manifest's order. The code comes from the packet; for the notebooks already in
cell_labels.jsonl it must be, cell for cell and in order, the code of that file, and their split and
source are kept. Run: python benchmarks/data/merge_labels.py LABELLING_DIR [--check-only].
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

CELL_LABELS = Path(__file__).resolve().parent / "cell_labels.jsonl"
CELL_HEADER = re.compile(r"^=== CELL (\d+) ===\n", re.MULTILINE)


def packet_cells(path: Path) -> tuple[str, list[str]]:
    """The notebook name and the code of each cell of a packet, in order."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    parts = CELL_HEADER.split(body)
    numbers, codes = [int(n) for n in parts[1::2]], [c.removesuffix("\n\n") for c in parts[2::2]]
    if numbers != list(range(len(numbers))):
        raise SystemExit(f"{path}: cells are not numbered 0..n-1")
    return header.splitlines()[0].removeprefix("NOTEBOOK "), codes


def labeller_cells(path: Path, count: int) -> list[dict | None]:
    """One labeller's reading of each cell (None where undecided)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if [row["cell"] for row in rows] != list(range(count)):
        raise SystemExit(f"{path}: {len(rows)} cells labelled, the packet has {count}")
    return [None if row.get("undecided") else row for row in rows]


def merged(a: dict | None, b: dict | None) -> dict:
    """Union of stages, the agreed primary, and both readings."""
    stages = None if a is None and b is None else sorted(set(a["stages"] if a else []) | set(b["stages"] if b else []))
    primary_a, primary_b = (a or {}).get("primary"), (b or {}).get("primary")
    return {
        "stages": stages,
        "primary": primary_a if a and b and primary_a == primary_b else None,
        "labels": {"a": a and a["stages"], "b": b and b["stages"], "primary_a": primary_a, "primary_b": primary_b},
    }


def old_notebooks(path: Path) -> dict[str, list[dict]]:
    notebooks: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            notebooks.setdefault(record["notebook"], []).append(record)
    return {name: sorted(cells, key=lambda r: r["cell"]) for name, cells in notebooks.items()}


def notebook_records(folder: Path, entry: dict, old: dict[str, list[dict]]) -> list[dict]:
    """The merged records of one notebook of the manifest, checked against the old file."""
    name, codes = packet_cells(folder / "input" / entry["file"])
    if name != entry["notebook"] or len(codes) != entry["cells"]:
        raise SystemExit(f"{entry['file']}: the packet does not match the manifest")
    before = old.get(name)
    if before and ([(r["cell"], r["code"]) for r in before] != list(enumerate(codes))
                   or {(r["split"], r["source"]) for r in before} != {(entry["split"], entry["source"])}):
        raise SystemExit(f"{name}: code, cell order, split or source differ from the old file")
    stem = entry["file"].removesuffix(".txt")
    a = labeller_cells(folder / "out" / "A" / f"{stem}.jsonl", len(codes))
    b = labeller_cells(folder / "out" / "B" / f"{stem}.jsonl", len(codes))
    head = {"notebook": name, "source": entry["source"], "split": entry["split"], "new": entry["new"]}
    return [{**head, "cell": i, "code": code, **merged(x, y)} for i, (code, x, y) in enumerate(zip(codes, a, b))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelling", type=Path, help="the labelling folder (manifest.json, input/, out/A, out/B)")
    parser.add_argument("--check-only", action="store_true", help="verify and count, write nothing")
    args = parser.parse_args(argv)
    old = old_notebooks(CELL_LABELS)
    manifest = json.loads((args.labelling / "manifest.json").read_text(encoding="utf-8"))
    order = {name: i for i, name in enumerate(old)}
    manifest.sort(key=lambda entry: (order.get(entry["notebook"], len(order)), entry["file"]))
    records = [r for entry in manifest for r in notebook_records(args.labelling, entry, old)]
    missing = set(old) - {entry["notebook"] for entry in manifest}
    if missing:
        raise SystemExit(f"{len(missing)} notebooks of the old file are not in the manifest: {sorted(missing)}")
    undecided = sum(r["stages"] is None for r in records)
    added = sum(bool(entry["new"]) for entry in manifest)
    print(f"{len(records)} cells of {len(manifest)} notebooks ({len(manifest) - added} kept, {added} new); "
          f"{undecided} undecided by both")
    if not args.check_only:
        text = "".join(json.dumps(r) + "\n" for r in records)
        CELL_LABELS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
