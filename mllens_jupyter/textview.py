"""Plain-text views of the lens and of a notebook's answers, for the terminal."""

from __future__ import annotations

import textwrap

from .lens import Lens, Phase, Pillar, Practice

WIDTH = 100


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
