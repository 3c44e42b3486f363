"""`%mllens`: the lens's checklist for the phase the notebook's work is in, inside the notebook.

`%load_ext mllens_jupyter` registers it (or `c.InteractiveShellApp.extensions = ["mllens_jupyter"]`).
Loading imports nothing heavy: the lens, inference and ipywidgets load on the first `%mllens`.
"""

from __future__ import annotations

import os

from collections.abc import Callable
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError as IPythonUsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Enum, Float, Unicode

from ..errors import MllensError, UsageError

EXAMPLES = """examples:
  %mllens                      the phase inferred from the cells run so far
  %mllens model_development    another phase, by id or name ("model", "Deployment")
  %mllens --pillar security    one pillar only (id, name or prefix such as MLSEC)
  %mllens MLSEC03-BP02         one practice, by id or 2023 id (MLSEC-07)
  %mllens status               answers and open risks per phase and pillar
  %mllens save PATH            write the answers given here into a notebook that is not open
"""
OWN_CELL_PREFIXES = ("%mllens", "%load_ext mllens_jupyter", "%reload_ext mllens_jupyter")


@magics_class
class MllensMagics(Magics):
    """The `%mllens` magic; configurable as `c.MllensMagics.<trait>` in IPython or kernel config."""

    default_lens = Unicode("", help="Id or path of the lens %mllens shows (empty: LensRegistry.default_lens).").tag(
        config=True
    )
    default_view = Enum(["widget", "markdown"], "widget",
                        help="How %mllens shows the checklist: an ipywidgets panel, or static Markdown.").tag(config=True)
    reply_timeout = Float(2.0, help="Seconds to wait for the notebook's frontend to answer before saying that "
                                    "answers are kept in this kernel only.").tag(config=True)

    def __init__(self, shell=None, inference: Any = None, create_comm: Callable | None = None,
                 start_timer: Callable | None = None, why_open: Callable[[str], str | None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._inference = inference
        self._create_comm = create_comm
        self._start_timer = start_timer
        self._why_open = why_open
        self.connections: dict[str, Any] = {}

    @line_magic
    @magic_arguments()
    @argument("words", nargs="*", metavar="PHASE | PRACTICE_ID | status | save PATH",
              help="a phase (id or name), a practice (id or 2023 id), `status`, or `save PATH`")
    @argument("-p", "--pillar", help="show one pillar only: id, name or prefix (MLSEC)")
    @argument("--lens", help="lens id or path (default: MllensMagics.default_lens)")
    @argument("--view", choices=["widget", "markdown"], help="panel or static Markdown (default: MllensMagics.default_view)")
    @argument("-h", "--help", action="store_true", help="show this help")
    def mllens(self, line: str = "") -> None:
        """Show the ML Lens checklist for the notebook's current phase, per pillar, and record answers."""
        args = parse_argstring(self.mllens, line)
        try:
            self._run(args)
        except MllensError as err:
            raise IPythonUsageError(str(err)) from None

    def _run(self, args) -> None:
        words = list(args.words)
        if args.help:
            print(self.mllens.__doc__.strip().removeprefix("::").strip() + "\n\n" + EXAMPLES)
        elif words[:1] == ["status"]:
            self._expect(words, 1, "%mllens status")
            self.show_status(args)
        elif words[:1] == ["save"]:
            self._expect(words, 2, "%mllens save PATH")
            self.save(words[1], args)
        else:
            self.show_panel(" ".join(words), args)

    @staticmethod
    def _expect(words: list[str], count: int, usage: str) -> None:
        if len(words) != count:
            raise UsageError(f"usage: {usage}")

    # -- what the magic works on ----------------------------------------------------------------

    @property
    def inference(self) -> Any:
        if self._inference is None:
            from .. import inference

            self._inference = inference
        return self._inference

    def lens(self, key: str | None):
        from ..lens import LensRegistry, get_lens

        return get_lens(key or self.default_lens or None, LensRegistry(parent=self))

    def connection(self, lens):
        """The kernel's answers for this lens and their way to the notebook (one per lens, per kernel)."""
        if lens.id not in self.connections:
            from .answer_store import AnswerStore
            from .comm import Connection, default_create_comm, start_thread_timer

            store = AnswerStore(lens)
            store.load_workload(os.getcwd())
            self.connections[lens.id] = Connection(
                store, in_kernel=getattr(self.shell, "kernel", None) is not None,
                create_comm=self._create_comm or default_create_comm,
                start_timer=self._start_timer or start_thread_timer, timeout=self.reply_timeout)
        return self.connections[lens.id]

    def cells(self) -> list[dict]:
        """The code run so far, as cells numbered like the prompts: cell N is In[N].

        The magic's own lines count as empty cells, so they neither show nor shift the numbering.
        """
        history = getattr(getattr(self.shell, "history_manager", None), "input_hist_raw", None)
        sources = history if history else self.shell.user_ns.get("In", [""])
        return [{"cell_type": "code", "source": _own_lines_out(source)} for source in list(sources)[1:]]

    def infer(self, lens, cells: list[dict]) -> tuple[list[dict], dict, dict]:
        """(per-cell results, current phase, evidence by practice) for the cells run so far."""
        try:
            results = self.inference.infer_cells(cells)
            return results, self.inference.current_phase(results, lens), self.inference.find_evidence(cells, lens)
        except Exception as err:  # the panel must show even if inference breaks on odd input
            return [], {"phase": None, "confidence": 0.0, "reasons": [f"inference failed: {err}"]}, {}

    # -- %mllens [PHASE | PRACTICE] [--pillar P] ------------------------------------------------

    def checklist(self, target: str, args):
        from ..lookup import find
        from .panel import Checklist

        lens = self.lens(args.lens)
        kind, found = find(lens, target) if target else (None, None)
        pillar = found.id if kind == "pillar" else find(lens, args.pillar, ("pillar",)).item.id if args.pillar else None
        practice = found if kind == "practice" else None
        _, inferred, evidence = self.infer(lens, self.cells())
        phase = practice.phase if practice else found.id if kind == "phase" else inferred.get("phase")
        connection = self.connection(lens)
        return Checklist(lens, connection.store, phase or lens.phases[0].id, inferred, evidence, pillar,
                         practice.id if practice else None, submit=connection.submit)

    def show_panel(self, target: str, args) -> None:
        from IPython.display import display

        from .panel_markdown import MarkdownDisplay, checklist_markdown

        checklist = self.checklist(target, args)
        if (args.view or self.default_view) == "markdown":
            display(MarkdownDisplay(checklist_markdown(checklist), checklist_markdown(checklist, details=False)))
            return
        from .widget import ChecklistPanel, PanelDisplay

        self.connections[checklist.lens.id].on_display()
        display(PanelDisplay(ChecklistPanel(checklist)))

    # -- %mllens status -------------------------------------------------------------------------

    def show_status(self, args) -> None:
        from IPython.display import display

        from ..status import status_summary
        from .panel_markdown import MarkdownDisplay, status_markdown

        lens = self.lens(args.lens)
        store = self.connection(lens).store
        results, _, _ = self.infer(lens, self.cells())
        present = self.inference.phases_present(results, lens, store.pinned_phases)["phases"]
        text = status_markdown(status_summary(lens, store.effective(), present), _where(store))
        display(MarkdownDisplay(text))

    # -- %mllens save PATH ----------------------------------------------------------------------

    def save(self, path: str, args) -> None:
        from ..notebook import update_namespace
        from .answer_store import FILE
        from .sessions import why_open

        path = str(Path(path).expanduser())
        lens = self.lens(args.lens)
        store = self.connection(lens).store
        changes = store.changes_to_save()
        if not changes:
            raise UsageError("nothing to save: no answer was given or received in this kernel yet")
        reason = (self._why_open or why_open)(path)
        if reason:
            raise UsageError(f"not saving to {path}: {reason}. Answer in that notebook's own panel or sidebar, "
                             "or close it first")
        update_namespace(path, lambda ns: _merged(ns, changes, lens))
        for practice_id in store.unsaved():
            store.mark(practice_id, FILE, path)
        answered = sum(1 for answer in changes.values() if answer is not None)
        print(f"Saved {answered} answer{'s' if answered != 1 else ''} to {path} (only its mllens metadata changed).")


def _own_lines_out(source: object) -> str:
    if not isinstance(source, str) or source.lstrip().startswith(OWN_CELL_PREFIXES):
        return ""
    return source


def _where(store) -> str:
    from .answer_store import CONNECTED

    inherited = (f" Answers not given in this notebook are inherited from the workload's review file "
                 f"({store.review_file}).") if store.review_file else ""
    if store.connection == CONNECTED:
        return f"Answers come from the notebook's metadata{f' ({store.path})' if store.path else ''}.{inherited}"
    unsaved = len(store.unsaved())
    kept = (f" {unsaved} answer{'s are' if unsaved != 1 else ' is'} kept in this kernel only: "
            "`%mllens save PATH` writes them to a notebook that is not open.") if unsaved else ""
    return "No notebook is connected to this kernel (the `%mllens` panel connects in JupyterLab)." + kept + inherited


def _merged(namespace: dict | None, changes: dict[str, dict | None], lens) -> dict:
    from ..answers import with_answer

    if namespace and namespace.get("lens") not in (None, lens.id):
        raise UsageError(f"that notebook records answers for lens {namespace['lens']!r}, not {lens.id!r}")
    for practice_id, answer in sorted(changes.items()):
        for alias in lens.practice(practice_id).aliases:
            if alias in ((namespace or {}).get("answers") or {}):
                namespace = with_answer(namespace, alias, None, lens.id)
        namespace = with_answer(namespace, practice_id, answer, lens.id)
    return namespace


def load_ipython_extension(ip) -> None:
    """Register `%mllens` with an IPython shell or kernel."""
    ip.register_magics(MllensMagics(shell=ip))
