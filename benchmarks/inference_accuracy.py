"""Accuracy of stage inference: cell-level stages and notebook-level stage presence against labelled data.

0. Cell labels: benchmarks/data/cell_labels.jsonl, every code cell of 51 whole notebooks (Kaggle
   notebooks of the DS-Pipeline set and notebooks of shared/corpora), labelled under version 2 of the
   stage conventions by two labellers, each alone and before any tool output (see
   benchmarks/data/README.md). A cell's truth is the union of their stages; a cell both left undecided
   is left out. Inference runs on each notebook's code cells alone, comments stripped, in order.
   Printed per split (`dev`, the split rules are tuned on; `check`, the notebooks kept aside; and
   `check-new`, the 12 check notebooks added with version 2):
   - stages: precision = correct predicted labels / predicted labels, recall = correct predicted
     labels / labelled labels, micro-averaged over cells, with F1 and the mean Jaccard of a cell
     (|predicted & labelled| / |predicted | labelled|, over cells where either side has a label), and
     precision and recall averaged per notebook (a notebook counts where the figure is defined);
   - lens phases: the same after mapping each stage to its phase in the bundled lens (setup and
     visualization have no phase and drop out), the level the sidebar shows;
   - primary: where the labellers agree on a primary stage and the tool gives one, how often the
     tool's is the same (until the inference gives a `primary`, a line says so);
   - the ceiling: labeller A scored against labeller B the same ways (B as truth; F1 and Jaccard are
     symmetric), and how often their primaries agree.
   Then the dev split per stage (tool against the union). `--verbose` lists the dev cells that
   disagree; `check` is only ever looked at as totals.

1. Expert labels: 33 Kaggle notebooks labelled with the pipeline stages they contain (Biswas, Wardat,
   Rajan, ICSE 2022), shared/data/phase-labels/dspipeline_notebook_level.jsonl. Each notebook comes as
   a Python export whose markdown cells are `#` comments; the labels were drawn from those headings,
   so comments are stripped and inference runs on code alone, cell by cell (cells split at the
   export's `# In[ ]:` markers). Our stages map onto the label set as:
     data_collection -> data_collection, data_preprocessing -> data_preprocessing,
     exploration or visualization -> exploration_visualization, feature_engineering -> feature_engineering,
     training or tuning -> training (tuning trains models), evaluation -> evaluation,
     deployment -> deployment (the labels map test-set prediction, PRD, to deployment).
   A notebook counts for a stage when any of its code cells has it.

2. Weak labels from folder names of the real corpora (whole notebooks, markdown included). Each rule
   says which stages a notebook under that path must show (any of them), or must not show:
     sagemaker-examples/deploy_and_monitor          deployment or monitoring
     sagemaker-examples/build_and_train_models      training or tuning
     sagemaker-examples/prepare_data                 data_collection, data_preprocessing, exploration or
                                                     feature_engineering
     a folder or file name with model_monitor / monitoring / clarify_model_bias_monitor   monitoring
     ... with hyperparameter_tun / hpo / automatic_model_tun / hyperparameter-tune        tuning
     ... with batch_transform / batch_inference / deploy / inference / endpoint           deployment
     ... with feature_store                                                           feature_engineering
     azureml-notebooks .../training/ , /ml-frameworks/                                    training
     azureml-notebooks .../work-with-data/                                                data_collection
   and, as negatives (to measure precision): a prepare_data notebook monitors no model and tunes no
   hyperparameters; a build_and_train_models notebook whose path does not mention monitoring monitors
   no model.

3. The cell labels (the union) of the Kaggle notebooks again, this time inferred with each notebook's markdown
   put back (the comment lines between code cells of the export become a markdown cell before the
   code cell they precede): headings carry their stage to the code under them, so this measures
   what a person sees in the notebook, where the first measure reads code alone. The labels were
   drawn from the code alone, though: a stage a heading gives the code under it ("Evaluation" over a
   table of results) counts against the tool here even where a reader of the heading would agree.

Prints precision and recall per stage (or rule) and overall. Run: python benchmarks/inference_accuracy.py
[--shared PATH] [--verbose] [--only cells|expert|weak|markdown].
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mllens_jupyter.inference import infer_cells, infer_notebook  # noqa: E402
from mllens_jupyter.lens import BUNDLED_LENS_ID, get_lens  # noqa: E402

LABELS_FILE = Path("data/phase-labels/dspipeline_notebook_level.jsonl")
CELL_LABELS = REPO / "benchmarks" / "data" / "cell_labels.jsonl"
TO_LABEL = {
    "data_collection": "data_collection",
    "data_preprocessing": "data_preprocessing",
    "exploration": "exploration_visualization",
    "visualization": "exploration_visualization",
    "feature_engineering": "feature_engineering",
    "training": "training",
    "tuning": "training",
    "evaluation": "evaluation",
    "deployment": "deployment",
}
SPLITS = ("dev", "check", "check-new")
NOT_GIVEN = object()
CELL_MARKER = re.compile(r"^# In\[[^\]]*\]:\s*$", re.MULTILINE)

DATA_STAGES = {"data_collection", "data_preprocessing", "exploration", "feature_engineering"}
WEAK_RULES: list[tuple[str, str, set[str], bool]] = [
    # (rule name, path regex, stages, expected present)
    ("deploy_and_monitor: deployment|monitoring", r"deploy_and_monitor/", {"deployment", "monitoring"}, True),
    ("build_and_train_models: training|tuning", r"build_and_train_models/", {"training", "tuning"}, True),
    ("prepare_data: data processing", r"prepare_data/", DATA_STAGES, True),
    ("name says monitoring: monitoring", r"model_monitor|monitoring|bias_monitor", {"monitoring"}, True),
    ("name says tuning: tuning", r"hyperparameter_tun|[_-]hpo|automatic_model_tun|hyperparameter-tune", {"tuning"}, True),
    ("name says deployment: deployment", r"batch_transform|batch_inference|deploy|inference|endpoint", {"deployment"}, True),
    ("name says feature store: feature_engineering", r"feature_store", {"feature_engineering"}, True),
    ("azureml training: training", r"azureml-notebooks/.*(/training/|/ml-frameworks/)", {"training", "tuning"}, True),
    ("azureml data: data_collection", r"azureml-notebooks/.*/work-with-data/", {"data_collection"}, True),
    ("prepare_data: no monitoring", r"prepare_data/", {"monitoring"}, False),
    ("prepare_data: no tuning", r"prepare_data/", {"tuning"}, False),
    ("build_and_train_models: no monitoring", r"build_and_train_models/(?!.*monitor)", {"monitoring"}, False),
]


def default_shared() -> Path:
    return Path(__file__).resolve().parents[1].parent / "shared"


def code_cells(export: str) -> list[dict]:
    """The code cells of a Python export, comments (the markdown) stripped."""
    sources = (_code_of(chunk.splitlines()) for chunk in CELL_MARKER.split(export))
    return [{"cell_type": "code", "source": source} for source in sources if source]


def _code_of(lines: list[str]) -> str:
    """A chunk of an export without its comment lines."""
    return "\n".join(line for line in lines if not line.lstrip().startswith("#")).strip()


def notebook_labels(cells: list[dict]) -> set[str]:
    found: set[str] = set()
    for cell in infer_cells(cells):
        found.update(TO_LABEL[s] for s in cell["stages"] if s in TO_LABEL)
    return found


def ratio(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def expert_records(shared: Path) -> list[dict]:
    """The DS-Pipeline notebooks: their Python exports and notebook-level labels."""
    return [json.loads(line) for line in (shared / LABELS_FILE).read_text(encoding="utf-8").splitlines() if line]


def expert_benchmark(shared: Path, verbose: bool) -> tuple[int, int, int]:
    records = expert_records(shared)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fp, fn, tn
    for record in records:
        predicted = notebook_labels(code_cells(record["code"]))
        truth = set(record["label_mapped"])
        for stage in set(TO_LABEL.values()):
            found, labelled = stage in predicted, stage in truth
            counts[stage][0 if found and labelled else 1 if found else 2 if labelled else 3] += 1
        if verbose and predicted != truth:
            print(f"  {record['notebook_id']}: missed {sorted(truth - predicted)} extra {sorted(predicted - truth)}")
    print(f"\nExpert labels (DS-Pipeline, {len(records)} Kaggle notebooks, code only, notebook-level presence)")
    return print_table(counts)


def print_table(counts: dict[str, list[int]]) -> tuple[int, int, int]:
    print(f"  {'stage':48} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  precision  recall")
    total = [0, 0, 0, 0]
    for stage in sorted(counts):
        tp, fp, fn, tn = counts[stage]
        total = [a + b for a, b in zip(total, counts[stage])]
        print(f"  {stage:48} {tp:4} {fp:4} {fn:4} {tn:4}    {ratio(tp, tp + fp)}  {ratio(tp, tp + fn)}")
    tp, fp, fn, tn = total
    print(f"  {'overall (micro)':48} {tp:4} {fp:4} {fn:4} {tn:4}    {ratio(tp, tp + fp)}  {ratio(tp, tp + fn)}")
    return tp, fp, fn


def labelled_cells(path: Path = CELL_LABELS) -> dict[str, list[dict]]:
    """The labelled cells, grouped by notebook, in cell order."""
    notebooks: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            notebooks[record["notebook"]].append(record)
    return {name: sorted(cells, key=lambda r: r["cell"]) for name, cells in notebooks.items()}


def record_groups(record: dict) -> list[str]:
    """The splits a labelled cell is reported in: its split, and `<split>-new` for the notebooks added
    with version 2 of the conventions."""
    return [record["split"]] + ([f"{record['split']}-new"] if record.get("new") else [])


def as_set(stages: list[str] | None) -> set[str] | None:
    return None if stages is None else set(stages)


def scored_cell(record: dict, result: dict) -> dict:
    """What the tool gave a cell, next to the union and each labeller's reading."""
    labels = record["labels"]
    return {
        "tool": set(result["stages"]), "tool_primary": result.get("primary", NOT_GIVEN),
        "union": as_set(record["stages"]), "a": as_set(labels["a"]), "b": as_set(labels["b"]),
        "primary": record["primary"], "primary_a": labels["primary_a"], "primary_b": labels["primary_b"],
    }


def scored_notebooks(verbose: bool) -> dict[str, list[list[dict]]]:
    """Per split, each notebook's scored cells."""
    groups: dict[str, list[list[dict]]] = defaultdict(list)
    for name, records in labelled_cells().items():
        results = infer_cells([{"cell_type": "code", "source": r["code"]} for r in records])
        cells = [scored_cell(record, result) for record, result in zip(records, results)]
        for group in record_groups(records[0]):
            groups[group].append(cells)
        if verbose and records[0]["split"] == "dev":
            print_disagreements(name, records, cells)
    return groups


def print_disagreements(name: str, records: list[dict], cells: list[dict]) -> None:
    for record, cell in zip(records, cells):
        if cell["union"] is not None and cell["tool"] != cell["union"]:
            print(f"  {name} [{record['cell']}]: missed {sorted(cell['union'] - cell['tool'])} "
                  f"extra {sorted(cell['tool'] - cell['union'])}")


def cell_counts(pairs: list[tuple[set[str], set[str]]]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for predicted, truth in pairs:
        for stage in predicted | truth:
            counts[stage][0 if stage in predicted and stage in truth else 1 if stage in predicted else 2] += 1
    return counts


def micro(counts: dict[str, list[int]]) -> tuple[int, int, int]:
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    return tp, fp, fn


def pairs_of(cells: list[dict], predicted: str, truth: str, level) -> list[tuple[set[str], set[str]]]:
    """(predicted, truth) per cell where both readings exist, mapped to a level (stages or phases)."""
    return [(level(c[predicted]), level(c[truth])) for c in cells if c[predicted] is not None and c[truth] is not None]


def fraction(a: int, b: int) -> float | None:
    return a / b if b else None


def agreement(notebooks: list[list[tuple[set[str], set[str]]]]) -> dict[str, float | None]:
    """Micro precision, recall and F1 over cells, mean Jaccard per cell (cells where either side has a
    label), and precision and recall averaged per notebook (where each is defined)."""
    tp, fp, fn = micro(cell_counts([pair for pairs in notebooks for pair in pairs]))
    jaccards = [len(p & t) / len(p | t) for pairs in notebooks for p, t in pairs if p | t]
    per_notebook = [micro(cell_counts(pairs)) for pairs in notebooks]
    return {
        "precision": fraction(tp, tp + fp), "recall": fraction(tp, tp + fn), "f1": fraction(2 * tp, 2 * tp + fp + fn),
        "jaccard": fraction(sum(jaccards), len(jaccards)),
        "nb_precision": mean([fraction(t, t + f) for t, f, _ in per_notebook]),
        "nb_recall": mean([fraction(t, t + f) for t, _, f in per_notebook]),
    }


def mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def percent(value: float | None) -> str:
    return f"{100 * value:5.1f}%" if value is not None else "   n/a"


def lens_phases(lens):
    """Stages to the lens phases they belong to; setup and visualization have none and drop out."""
    return lambda stages: {lens.phase_of_stage(s) for s in stages} - {None}


def print_split(group: str, notebooks: list[list[dict]], lens) -> None:
    cells = [c for nb in notebooks for c in nb]
    left_out = sum(c["union"] is None for c in cells)
    print(f"\n  {group}: {len(notebooks)} notebooks, {len(cells)} code cells ({left_out} undecided by both, left out)")
    print(f"    {'measure':44} {'precision':>9} {'recall':>7} {'F1':>7} {'Jaccard':>7}   per notebook: precision  recall")
    for level_name, level in (("stages", set), ("lens phases", lens_phases(lens))):
        for who, (predicted, truth) in (("tool against the union", ("tool", "union")),
                                        ("labeller A against B (ceiling)", ("a", "b"))):
            row = agreement([pairs_of(nb, predicted, truth, level) for nb in notebooks])
            print(f"    {level_name + ', ' + who:44} {percent(row['precision']):>9} {percent(row['recall']):>7} "
                  f"{percent(row['f1']):>7} {percent(row['jaccard']):>7}   {percent(row['nb_precision']):>23} "
                  f"{percent(row['nb_recall']):>7}")
    print_primary(cells)


def print_primary(cells: list[dict]) -> None:
    """The tool's primary stage where the labellers agree on one, and the labellers' own agreement."""
    agreed = [c for c in cells if c["primary"] is not None]
    if any(c["tool_primary"] is NOT_GIVEN for c in cells):
        print("    primary: not given by the inference yet")
    else:
        given = [c for c in agreed if c["tool_primary"] is not None]
        right = sum(c["tool_primary"] == c["primary"] for c in given)
        print(f"    primary, tool against the agreed primary: {percent(fraction(right, len(given))).strip()} of {len(given)} "
              f"cells (the tool gave one on {len(given)} of the {len(agreed)} cells with an agreed primary)")
    both = [c for c in cells if c["primary_a"] is not None and c["primary_b"] is not None]
    same = sum(c["primary_a"] == c["primary_b"] for c in both)
    print(f"    primary, labeller A against B (ceiling): the same on {percent(fraction(same, len(both))).strip()} of "
          f"{len(both)} cells where both gave one")


def print_stage_table(notebooks: list[list[dict]]) -> None:
    counts = cell_counts([pair for nb in notebooks for pair in pairs_of(nb, "tool", "union", set)])
    print(f"    {'stage (dev, tool against the union)':44} {'TP':>4} {'FP':>4} {'FN':>4}  precision  recall")
    for stage in sorted(counts):
        tp, fp, fn, _ = counts[stage]
        print(f"    {stage:44} {tp:4} {fp:4} {fn:4}    {ratio(tp, tp + fp)}  {ratio(tp, tp + fn)}")


def cell_benchmark(verbose: bool) -> None:
    groups = scored_notebooks(verbose)
    cells = sum(len(nb) for nb in groups["dev"] + groups["check"])
    print(f"\nCell labels, version 2 of the conventions ({cells} code cells of "
          f"{len(groups['dev']) + len(groups['check'])} notebooks; truth: the union of two labellers; code only)")
    lens = get_lens(BUNDLED_LENS_ID)
    for group in SPLITS:
        print_split(group, groups[group], lens)
    print()
    print_stage_table(groups["dev"])


def print_micro(scored: dict[str, list[tuple[set[str], set[str]]]]) -> None:
    """One micro-averaged line per group of (predicted, labelled) cells."""
    for group in sorted(scored):
        tp, fp, fn = micro(cell_counts(scored[group]))
        label = f"micro, {group} ({len(scored[group])} cells)"
        print(f"  {label:48} {tp:4} {fp:4} {fn:4}    {ratio(tp, tp + fp)}  {ratio(tp, tp + fn)}")


def cells_with_markdown(export: str) -> list[dict]:
    """A Python export's cells with its markdown back: comment lines after a code cell's last line of
    code, up to the next code cell, become a markdown cell before that next code cell; comments
    inside code stay stripped, as `code_cells` strips them."""
    cells: list[dict] = []
    pending: list[str] = []
    for chunk in CELL_MARKER.split(export):
        lines = chunk.splitlines()
        code_at = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
        if not code_at:
            pending += lines
            continue
        text = "\n".join(_uncommented(line) for line in pending + lines[:code_at[0]]).strip()
        if text:
            cells.append({"cell_type": "markdown", "source": text})
        cells.append({"cell_type": "code", "source": _code_of(lines)})
        pending = lines[code_at[-1] + 1:]
    return cells


def _uncommented(line: str) -> str:
    stripped = line.lstrip()
    return stripped[1:].lstrip(" ") if stripped.startswith("#") else ""


def markdown_benchmark(shared: Path) -> tuple[int, int, int]:
    """Cell labels of the Kaggle notebooks, inferred with their markdown (code cells scored)."""
    exports = {record["notebook_id"]: record["code"] for record in expert_records(shared)}
    scored: dict[str, list[tuple[set[str], set[str]]]] = defaultdict(list)
    for name, records in labelled_cells().items():
        if name not in exports:
            continue
        cells = cells_with_markdown(exports[name])
        results = [r for r, c in zip(infer_cells(cells), cells) if c["cell_type"] == "code"]
        if [c["source"] for c in cells if c["cell_type"] == "code"] != [r["code"] for r in records]:
            raise SystemExit(f"{name}: the export's code cells no longer match the labelled cells")
        for record, result in zip(records, results):
            for group in ("all", record["split"]):
                if record["stages"] is not None:
                    scored[group].append((set(result["stages"]), set(record["stages"])))
    print(f"\nCell labels of the Kaggle notebooks, inferred with their markdown ({len(scored['all'])} code cells)")
    print_micro(scored)
    return micro(cell_counts(scored["all"]))


def corpus_notebooks(shared: Path):
    for path in sorted((shared / "corpora").rglob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        yield path.relative_to(shared / "corpora").as_posix(), notebook


def weak_benchmark(shared: Path, verbose: bool) -> tuple[int, int, int]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    normalised = [(name, re.compile(pattern), stages, present) for name, pattern, stages, present in WEAK_RULES]
    notebooks = 0
    for relative, notebook in corpus_notebooks(shared):
        path = re.sub(r"/\s+", "/", relative)
        rules = [(n, s, p) for n, pattern, s, p in normalised if pattern.search(path)]
        if not rules:
            continue
        notebooks += 1
        result = infer_notebook(notebook)
        found = {stage for cell in result["cells"] if cell["cell_type"] == "code" for stage in cell["stages"]}
        for name, stages, present in rules:
            shown = bool(found & stages)
            if present:
                counts[name][0 if shown else 2] += 1
            else:
                counts[name][1 if shown else 3] += 1
            if verbose and shown != present:
                print(f"  {relative}: {name}: {'missed' if present else 'found'}")
    print(f"\nWeak labels from folder names ({notebooks} notebooks of shared/corpora; a 'no ...' rule has only "
          "negatives: its FP and TN measure precision)")
    return print_table(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=default_shared(), help="the shared/ folder")
    parser.add_argument("--verbose", action="store_true", help="list each notebook that disagrees (labelled cells: the dev split only, "
                        "since check is only ever looked at as totals)")
    parser.add_argument("--only", choices=["cells", "expert", "weak", "markdown"], help="run one of the benchmarks")
    args = parser.parse_args(argv)
    if args.only in (None, "cells"):
        cell_benchmark(args.verbose)
    if args.only == "cells":
        return 0
    if not (args.shared / LABELS_FILE).is_file():
        print(f"no labelled data under {args.shared}; give --shared PATH", file=sys.stderr)
        return 2
    if args.only in (None, "expert"):
        expert_benchmark(args.shared, args.verbose)
    if args.only in (None, "weak"):
        weak_benchmark(args.shared, args.verbose)
    if args.only in (None, "markdown"):
        markdown_benchmark(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
