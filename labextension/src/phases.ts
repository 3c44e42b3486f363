/**
 * Words for phases and reasons, as the view shows them (plain functions over server data).
 */
import { IInference, ILens, Reasons } from './types';

/** 'current' (the phase around the active cell), 'all', or a phase id. */
export type PhaseChoice = string;

/** The phases present in lens order: inferred, plus those pinned in the metadata. */
export function presentPhases(
  lens: ILens | null,
  inference: IInference | null,
  pinned: unknown
): string[] {
  const found = new Set([...(inference?.phases ?? []), ...(Array.isArray(pinned) ? pinned : [])]);
  return (lens?.phases ?? []).map(p => p.id).filter(id => found.has(id));
}

/**
 * The phases whose practices are listed (null: every phase): the one chosen, or the phase of the
 * active cell, or else the phases present.
 */
export function shownPhases(
  choice: PhaseChoice,
  lens: ILens | null,
  current: string | null | undefined,
  present: string[]
): string[] | null {
  if (choice === 'all') {
    return null;
  }
  if (choice !== 'current') {
    return lens?.phases.some(p => p.id === choice) ? [choice] : null;
  }
  if (current) {
    return [current];
  }
  return present.length ? present : null;
}

/** The lens's name of a phase (its id when the lens has none of that id). */
export function phaseName(lens: ILens | null, id: string): string {
  return lens?.phases.find(p => p.id === id)?.name ?? id;
}

/** Reasons as sentences, whether they come as a list or as a mapping of lists. */
export function reasonList(reasons: Reasons | null | undefined): string[] {
  if (!reasons) {
    return [];
  }
  if (Array.isArray(reasons)) {
    return reasons.map(String);
  }
  return Object.entries(reasons).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map(text => `${key}: ${text}`)
  );
}

/**
 * A reason cut where a line may break: after each dot or slash that a name follows, so that
 * `sklearn.ensemble.RandomForestClassifier()` wraps between its parts, never inside a word.
 */
export function breakableParts(text: string): string[] {
  return text.split(/(?<=[./])(?=\w)/);
}

/** Why a phase is present: the first few distinct reasons of the cells labelled with its stages. */
export function phaseReasons(
  lens: ILens | null,
  inference: IInference | null,
  phaseId: string,
  cellLabel: (cell: number) => string = cell => `cell ${cell}`,
  limit = 6
): string[] {
  const stages = new Set(lens?.phases.find(p => p.id === phaseId)?.stages ?? []);
  const found = new Set<string>();
  for (const index of inference?.phase_cells[phaseId] ?? []) {
    const cell = inference?.cells.find(c => c.index === index);
    for (const [stage, reasons] of Object.entries(cell?.reasons ?? {})) {
      if (stages.has(stage)) {
        reasonList(reasons).forEach(reason => found.add(`${cellLabel(index + 1)}: ${reason}`));
      }
    }
    if (found.size >= limit) {
      break;
    }
  }
  return [...found].slice(0, limit);
}

export function cellCount(inference: IInference | null, phaseId: string): number {
  return inference?.phase_cells[phaseId]?.length ?? 0;
}

export function percent(confidence: number | undefined): string {
  return typeof confidence === 'number' ? `${Math.round(confidence * 100)}%` : '';
}
