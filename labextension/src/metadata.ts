/**
 * The `mllens` metadata namespace as plain data, mirroring mllens_jupyter/answers.py:
 * schema_version 1, the lens id, answers sorted by key, `updated` in ISO UTC without fractions,
 * a reason only with not_applicable.
 */
import { IAnswer, INamespace, Reason, RiskLevel, Status } from './types';

export const NAMESPACE = 'mllens';
export const SCHEMA_VERSION = 1;
export const STATUSES: Status[] = ['done', 'partial', 'todo', 'not_applicable'];
export const REASONS: Reason[] = [
  'out_of_scope',
  'business_priorities',
  'architecture_constraints',
  'other'
];
export const MAX_NOTE_LENGTH = 10000;

const PRACTICE_KEY = /^[A-Z][A-Z0-9]*[0-9]+-[A-Z0-9-]+$|^[A-Z]+-[0-9]+$/;
const UPDATED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Now as `YYYY-MM-DDTHH:MM:SSZ`. */
export function utcNow(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function sortedObject<T>(value: { [key: string]: T }): { [key: string]: T } {
  const sorted: { [key: string]: T } = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = value[key];
  }
  return sorted;
}

/** A complete answer with its keys sorted; a reason is kept only with not_applicable. */
export function makeAnswer(
  status: Status,
  note?: string,
  reason?: Reason,
  updated: string = utcNow()
): IAnswer {
  const answer: IAnswer = { status, updated };
  if (status === 'not_applicable') {
    answer.reason = reason ?? 'other';
  }
  if (note && note.trim()) {
    answer.note = note;
  }
  return sortedObject(answer as any) as unknown as IAnswer;
}

/** Why an answer sent by another party cannot be recorded; null when it can (null = remove). */
export function answerProblem(practiceId: unknown, answer: unknown): string | null {
  if (typeof practiceId !== 'string' || !PRACTICE_KEY.test(practiceId)) {
    return `not a practice id: ${JSON.stringify(practiceId)}`;
  }
  if (answer === null) {
    return null;
  }
  if (typeof answer !== 'object' || Array.isArray(answer)) {
    return 'the answer must be an object or null';
  }
  return answerFieldsProblem(answer as { [key: string]: unknown });
}

function answerFieldsProblem(answer: { [key: string]: unknown }): string | null {
  const unknown = Object.keys(answer).filter(
    key => !['status', 'note', 'reason', 'updated'].includes(key)
  );
  if (unknown.length) {
    return `unknown answer field(s): ${unknown.join(', ')}`;
  }
  if (!STATUSES.includes(answer.status as Status)) {
    return `status must be one of ${STATUSES.join(', ')}`;
  }
  if ((answer.status === 'not_applicable') !== (answer.reason !== undefined)) {
    return 'a reason is given with not_applicable, and only then';
  }
  if (answer.reason !== undefined && !REASONS.includes(answer.reason as Reason)) {
    return `reason must be one of ${REASONS.join(', ')}`;
  }
  if (
    answer.note !== undefined &&
    (typeof answer.note !== 'string' || answer.note.length > MAX_NOTE_LENGTH)
  ) {
    return `note must be text of at most ${MAX_NOTE_LENGTH} characters`;
  }
  if (
    answer.updated !== undefined &&
    (typeof answer.updated !== 'string' || !UPDATED.test(answer.updated))
  ) {
    return 'updated must be an ISO UTC time such as 2026-11-28T10:00:00Z';
  }
  return null;
}

/** An answer as it is written: keys sorted, `updated` filled in when missing. */
export function normalizeAnswer(answer: IAnswer): IAnswer {
  const filled = { ...answer, updated: answer.updated ?? utcNow() };
  return sortedObject(filled as any) as unknown as IAnswer;
}

/** A new namespace with `answer` recorded for `practiceId` (removed when null); keys sorted. */
export function withAnswer(
  namespace: Partial<INamespace> | null | undefined,
  practiceId: string,
  answer: IAnswer | null,
  lensId: string
): INamespace {
  const base: { [key: string]: any } = { ...(namespace ?? {}) };
  const answers: { [key: string]: IAnswer } = { ...(base.answers ?? {}) };
  if (answer === null) {
    delete answers[practiceId];
  } else {
    answers[practiceId] = normalizeAnswer(answer);
  }
  const result = {
    ...base,
    schema_version: SCHEMA_VERSION,
    lens: base.lens || lensId,
    answers: sortedObject(answers)
  };
  return sortedObject(result) as unknown as INamespace;
}

/** The namespace found in a notebook's metadata, or null when absent or not an object. */
export function asNamespace(value: unknown): INamespace | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as INamespace) : null;
}

export function answersOf(namespace: INamespace | null): { [id: string]: IAnswer } {
  const answers = namespace?.answers;
  return answers && typeof answers === 'object' && !Array.isArray(answers) ? answers : {};
}

/**
 * The risk an applicable practice still carries: null when done or not applicable;
 * partial lowers high to medium.
 */
export function openRisk(risk: RiskLevel, answer: IAnswer | undefined): RiskLevel | null {
  const status = answer?.status;
  if (status === 'done' || status === 'not_applicable') {
    return null;
  }
  return status === 'partial' ? 'medium' : risk;
}

/** Whether a practice counts as dealt with in done/total: done, or not applicable. */
export function isCovered(answer: IAnswer | undefined): boolean {
  return answer?.status === 'done' || answer?.status === 'not_applicable';
}

/** An answer with another status, keeping the note (and the reason, or 'other', when not applicable). */
export function withStatus(answer: IAnswer | undefined, status: Status): IAnswer {
  const reason = status === 'not_applicable' ? (answer?.reason ?? 'other') : undefined;
  return makeAnswer(status, answer?.note, reason);
}
