"""`mllens infer` as text: one line per cell with its stages and the top reason, then the phases."""

from __future__ import annotations

from collections.abc import Mapping

REASON_WIDTH = 70


def _top_reason(cell: Mapping) -> str:
    confidence, reasons = cell.get("confidence") or {}, cell.get("reasons") or {}
    if not cell.get("stages"):
        return ""
    best = max(cell["stages"], key=lambda stage: confidence.get(stage, 0.0))
    reason = (reasons.get(best) or [""])[0]
    return reason if len(reason) <= REASON_WIDTH else reason[: REASON_WIDTH - 1] + "…"


def inference_text(path: str, result: Mapping, lens) -> str:
    """The cells (numbered from 1, as a person counts them), their stages and why, then the phases."""
    lines = [f"{path}: {len(result['cells'])} cells"]
    for cell in result["cells"]:
        stages = ", ".join(cell["stages"]) or "-"
        reason = _top_reason(cell)
        lines.append(f"  cell {cell['index'] + 1:>3}  {cell['cell_type']:<8}  {stages:<40}  {reason}".rstrip())
    names = {phase.id: phase.name for phase in lens.phases}
    phases = [f"{names.get(p, p)}{' (pinned)' if p in result.get('pinned', ()) else ''}" for p in result["phases"]]
    lines.append(f"phases: {', '.join(phases) if phases else 'none found'}")
    return "\n".join(lines)
