"""Plain-text views for the terminal: the lens, a notebook's answers, and `mllens infer`."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import asdict

from .lens import Lens, Phase, Pillar, Practice
from .lookup import find

WIDTH = 100
REASON_WIDTH = 70


def _wrap(text: str, indent: str = "  ", bullet: str = "") -> str:
    first = indent[: len(indent) - len(bullet)] + bullet
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=first, subsequent_indent=indent)


def practice_text(lens: Lens, practice: Practice) -> str:
    """One practice: its place in the lens, the guidance, the questions and the link."""
    lines = [
        f"{practice.id}  {practice.title}",
        f"  {lens.pillar(practice.pillar).name} · {lens.phase(practice.phase).name} · "
        f"{practice.risk_if_absent} risk if absent · 2023 id {', '.join(practice.aliases) or '-'}",
    ]
    if practice.summary:
        lines += ["", _wrap(practice.summary)]
    if practice.questions:
        lines += ["", "  Ask yourself:"] + [_wrap(q, "      ", "- ") for q in practice.questions]
    if practice.improvement:
        lines += ["", "  To improve:", _wrap(practice.improvement, "    ")]
    if practice.evidence:
        signals = [*practice.evidence.imports, *practice.evidence.calls, *practice.evidence.keywords]
        lines += ["", _wrap("Code that hints at it: " + ", ".join(signals))]
    if practice.docs_url:
        lines += ["", f"  {practice.docs_url}"]
    return "\n".join(lines)


def _practice_line(practice: Practice) -> str:
    return f"  {practice.id:<14} {practice.risk_if_absent:<6} {practice.title}"


def _sections(lens: Lens, phase: str | None = None, pillar: str | None = None) -> list[str]:
    """The practices of one pillar grouped by phase, or of one phase grouped by pillar."""
    lines: list[str] = []
    for group in lens.phases if pillar else lens.pillars:
        where = {"phase": group.id, "pillar": pillar} if pillar else {"phase": phase, "pillar": group.id}
        practices = lens.practices_for(**where)
        if practices:
            lines += ["", f" {group.name}"] + [_practice_line(p) for p in practices]
    return lines


def pillar_text(lens: Lens, pillar: Pillar) -> str:
    """A pillar and its practices, phase by phase."""
    lines = [f"{pillar.name} ({pillar.id})"] + ([_wrap(pillar.summary)] if pillar.summary else [])
    return "\n".join(lines + _sections(lens, pillar=pillar.id))


def phase_text(lens: Lens, phase: Phase) -> str:
    """A phase, its stages and its practices, pillar by pillar."""
    lines = [f"{phase.name} ({phase.id}) · stages: {', '.join(phase.stages)}"]
    lines += [_wrap(phase.summary)] if phase.summary else []
    return "\n".join(lines + _sections(lens, phase=phase.id))


def lens_text(lens: Lens) -> str:
    """The lens at a glance: principles, pillars, and the phase x pillar grid of practice counts."""
    version = f"version {lens.version}" if lens.version else "no version given"
    lines = [f"{lens.name} ({lens.id}, {version})", _wrap(lens.description), ""]
    lines.append(f"Design principles ({len(lens.design_principles)}):")
    lines += [f"  - {d.name}" for d in lens.design_principles]
    lines += ["", f"Pillars ({len(lens.pillars)}):"]
    lines += [f"  {p.prefix or p.id:<10} {p.name}" for p in lens.pillars]
    lines += ["", f"Practices ({len(lens.practices)}) by phase and pillar:"]
    lines += _grid(lens)
    lines += ["", "Show one: mllens lens show PRACTICE_ID | PILLAR | PHASE"]
    return "\n".join(lines)


def _grid(lens: Lens) -> list[str]:
    """Practice counts, a row per phase and a column per pillar, headed by whole prefixes or ids."""
    heads = [p.prefix or p.id for p in lens.pillars]
    widths = [max(7, len(h)) + 1 for h in heads]
    first = max(30, *(len(ph.name) + 1 for ph in lens.phases))
    lines = [f"  {'':<{first}}" + "".join(f"{h:>{w}}" for h, w in zip(heads, widths)) + f"{'total':>8}"]
    for phase in lens.phases:
        counts = [len(lens.practices_for(phase=phase.id, pillar=p.id)) for p in lens.pillars]
        lines.append(f"  {phase.name:<{first}}" + "".join(f"{c:>{w}}" for c, w in zip(counts, widths)) + f"{sum(counts):>8}")
    return lines


def status_text(report: dict, lens: Lens | None = None) -> str:
    """A notebook's answers and open risks grouped by pillar, as built by `status.notebook_status`."""
    lines = [f"{report['path']} · lens {report['lens']} · {report['answered']} of {report['practices']} practices answered"]
    if report.get("review"):
        lines.append(f"Workload review: {report['review']} (answers marked 'workload' come from it)")
    lines.append(_risk_line(report, lens))
    for pillar in report["pillars"]:
        risks = [f"{pillar[k]} {k}" for k in ("high", "medium") if pillar.get(k)]
        lines += ["", f"{pillar['name']}: {len(pillar['answers'])} of {pillar['practices']} answered"
                  + (f" · open risks: {', '.join(risks)}" if risks else "")]
        for item in pillar["answers"]:
            extra = f" ({item['reason']})" if item.get("reason") else ""
            note = f" — {item['note']}" if item.get("note") else ""
            state = f"{item['status']}{extra}"
            lines.append(f"  {item['id']:<14} {state:<15} {item['scope']:<9} {item['title']}{note}")
    if report["unknown"]:
        lines += ["", "Answers for practices this lens does not have: " + ", ".join(report["unknown"])]
    return "\n".join(lines)


def _risk_line(report: dict, lens: Lens | None) -> str:
    present = report.get("present_phases") or []
    if not present:
        return "No lifecycle phase found in this notebook, so no open risk is counted."
    names = [lens.phase(p).name if lens else p for p in present]
    levels = [r["risk"] for r in report.get("open_risks", [])]
    return (f"Open risks in the phases present ({', '.join(names)}): {levels.count('high')} high, "
            f"{levels.count('medium')} medium (practices neither done nor not applicable)")


def lens_item(lens: Lens, key: str | None) -> tuple[str, dict]:
    """(text view, plain data) of the lens itself (key None or its id), or of the practice, pillar or
    phase `key` names (see `lookup.find`)."""
    if not key or key == lens.id:
        return lens_text(lens), lens.to_dict()
    kind, item = find(lens, key)
    if kind == "practice":
        return practice_text(lens, item), asdict(item)
    practices = [p.id for p in lens.practices_for(**{kind: item.id})]
    view = pillar_text if kind == "pillar" else phase_text
    return view(lens, item), {**asdict(item), "practices": practices}


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
