/**
 * The checklist the sidebar shows, as plain data: the practices of some phases, per pillar,
 * joined with the notebook's answers, their open risk and the evidence found in the notebook.
 */
import { isCovered, openRisk } from './metadata';
import {
  IAnswer,
  IEffectiveAnswer,
  ILens,
  IPillar,
  IPractice,
  IWorkloadAnswer,
  RiskLevel
} from './types';

export interface IFilters {
  unansweredOnly: boolean;
  highRiskOnly: boolean;
}

export interface IPracticeRow {
  practice: IPractice;
  answer: IEffectiveAnswer | undefined;
  risk: RiskLevel | null;
  applicable: boolean;
  evidence: string[];
}

export interface IPillarSection {
  pillar: IPillar;
  rows: IPracticeRow[];
  done: number;
  total: number;
}

export interface IChecklistInput {
  lens: ILens;
  phases: string[] | null;
  answers: { [id: string]: IEffectiveAnswer };
  present: string[];
  evidence: { [id: string]: string[] };
  filters: IFilters;
}

/**
 * Answers keyed by current practice id (aliases resolved); when an alias and the current id
 * are both answered, the more recently updated answer wins (as in mllens_jupyter/status.py).
 */
export function resolveAnswers(
  lens: ILens,
  answers: { [key: string]: IAnswer }
): { [id: string]: IAnswer } {
  const index = practiceIndex(lens);
  const resolved: { [id: string]: IAnswer } = {};
  for (const [key, answer] of Object.entries(answers)) {
    const practice = index.get(key.toUpperCase());
    if (!practice || !answer || typeof answer !== 'object') {
      continue;
    }
    const previous = resolved[practice.id];
    if (!previous || String(answer.updated ?? '') > String(previous.updated ?? '')) {
      resolved[practice.id] = answer;
    }
  }
  return resolved;
}

/**
 * The answers that apply to a notebook, each with its scope: the notebook's own answer overrides
 * its workload's; otherwise the workload's applies (as mllens_jupyter/answers.py `effective_answers`).
 */
export function effectiveAnswers(
  own: { [id: string]: IAnswer },
  workload: { [id: string]: IWorkloadAnswer }
): { [id: string]: IEffectiveAnswer } {
  const effective: { [id: string]: IEffectiveAnswer } = {};
  for (const [id, answer] of Object.entries(workload)) {
    effective[id] = { ...answer, scope: 'workload' };
  }
  for (const [id, answer] of Object.entries(own)) {
    effective[id] = { ...answer, scope: 'notebook' };
  }
  const sorted: { [id: string]: IEffectiveAnswer } = {};
  for (const id of Object.keys(effective).sort()) {
    sorted[id] = effective[id];
  }
  return sorted;
}

function practiceIndex(lens: ILens): Map<string, IPractice> {
  const index = new Map<string, IPractice>();
  for (const practice of lens.practices) {
    for (const key of [practice.id, ...(practice.aliases ?? [])]) {
      index.set(key.toUpperCase(), practice);
    }
  }
  return index;
}

/**
 * Sections per pillar, in lens order; done/total count before the filters apply, and a practice
 * done or not applicable counts as done (as mllens_jupyter/answers.py `is_covered`).
 */
export function checklist(input: IChecklistInput): IPillarSection[] {
  const wanted = input.phases ? new Set(input.phases) : null;
  const present = new Set(input.present);
  return input.lens.pillars.map(pillar => {
    const practices = input.lens.practices.filter(
      p => p.pillar === pillar.id && (!wanted || wanted.has(p.phase))
    );
    const rows = practices.map(practice => row(practice, input, present));
    return {
      pillar,
      rows: rows.filter(r => passes(r, input.filters)),
      done: rows.filter(r => isCovered(r.answer)).length,
      total: rows.length
    };
  });
}

function row(practice: IPractice, input: IChecklistInput, present: Set<string>): IPracticeRow {
  const answer = input.answers[practice.id];
  return {
    practice,
    answer,
    risk: openRisk(practice.risk_if_absent, answer),
    applicable: present.has(practice.phase),
    evidence: input.evidence[practice.id] ?? []
  };
}

function passes(row: IPracticeRow, filters: IFilters): boolean {
  if (filters.unansweredOnly && row.answer) {
    return false;
  }
  return !(filters.highRiskOnly && row.risk !== 'high');
}

/** The next practice listed with no answer after `focused` (from the top when none), wrapping; or null. */
export function nextUnanswered(sections: IPillarSection[], focused: string | null): string | null {
  const rows = sections.flatMap(section => section.rows);
  const start = rows.findIndex(row => row.practice.id === focused);
  const ordered = [...rows.slice(start + 1), ...rows.slice(0, start + 1)];
  return ordered.find(row => !row.answer)?.practice.id ?? null;
}
