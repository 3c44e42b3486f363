"""Lifecycle stages of notebook cells, and the phases of the lens they make present.

Pure functions of plain data; no Jupyter import; nothing here raises on any notebook content. The
pipeline, one module per step:

- reading a cell: `read_code` (the entry, cached by text) with `ipython_syntax` (IPython's syntax
  transformed), `ast_facts` and `ast_nodes` (facts from the AST, see `facts`), `token_fallback` (cells
  that do not parse); `markdown` (headings and text of markdown cells);
- `scope`: the names bound so far in the notebook (`model = RandomForestClassifier()`);
- `signals`: the tables of lens/signals/stages.yaml, loaded, validated, compiled and screened;
- `scoring`: a code cell's facts become evidence per stage, in passes by concern (`calls`, `data`,
  `results`, `weighing`) over one `CellContext`; `scoring.headings` for headings and markdown;
- `cells`: the walk over a notebook's cells, and each cell's label;
- `phases`: the only place that decides the phases present and the current phase;
- `evidence`: which practices' evidence (imports, calls, keywords) the code shows;
- `reasons`: how reasons are written.

Entry points: `infer_cells`, `infer_notebook`, `infer_with_evidence`, `current_phase`,
`phases_present`, `find_evidence`.
"""

from __future__ import annotations

from .cells import notebook_language
from .evidence import find_evidence
from .infer import infer_cells, infer_notebook, infer_with_evidence
from .phases import current_phase, phases_present
from .reasons import TAG_REASON
from .signals import load_signals

__all__ = ["TAG_REASON", "current_phase", "find_evidence", "infer_cells", "infer_notebook", "infer_with_evidence",
           "load_signals", "notebook_language", "phases_present"]
