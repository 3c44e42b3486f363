/**
 * The plain data the server sends (lens, inference) and the `mllens` metadata namespace.
 */

export type RiskLevel = 'high' | 'medium';
export type Status = 'done' | 'partial' | 'todo' | 'not_applicable';
export type Reason = 'out_of_scope' | 'business_priorities' | 'architecture_constraints' | 'other';

export interface IEvidenceSignals {
  imports?: string[];
  calls?: string[];
  keywords?: string[];
}

export interface IPractice {
  id: string;
  title: string;
  pillar: string;
  phase: string;
  risk_if_absent: RiskLevel;
  aliases: string[];
  docs_url: string;
  summary: string;
  questions: string[];
  improvement: string;
  evidence: IEvidenceSignals | null;
}

export interface IPillar {
  id: string;
  name: string;
  prefix: string;
  summary: string;
}

export interface IPhase {
  id: string;
  name: string;
  stages: string[];
  order: number;
  summary: string;
}

export interface ILens {
  id: string;
  name: string;
  version: string;
  pillars: IPillar[];
  phases: IPhase[];
  practices: IPractice[];
  docs_url: string;
}

export interface ILensSummary {
  id: string;
  name: string;
  version: string;
  pillars: number;
  phases: number;
  practices: number;
}

export interface ILensList {
  default: string;
  lenses: ILensSummary[];
  problems: { source: string; message: string }[];
}

/** Reasons come as a list of sentences; a mapping (stage -> sentences) is flattened by the view. */
export type Reasons = string[] | { [key: string]: string[] | string };

export interface ICellInference {
  index: number;
  cell_type: string;
  stages: string[];
  confidence: { [stage: string]: number };
  reasons: { [stage: string]: string[] };
}

export interface ICurrentPhase {
  phase: string | null;
  confidence: number;
  reasons: Reasons;
  /** Confidence per stage of the cell (or of the recent cells). */
  stages: { [stage: string]: number };
}

export interface IInference {
  lens: string;
  cells: ICellInference[];
  phases: string[];
  phase_cells: { [phase: string]: number[] };
  pinned: string[];
  current: ICurrentPhase | null;
  evidence: { [practiceId: string]: string[] };
}

export interface IAnswer {
  status: Status;
  note?: string;
  reason?: Reason;
  updated?: string;
}

export type Scope = 'notebook' | 'workload';

/** A link to a cell, relative to the review file's folder. */
export interface IEvidenceLink {
  notebook: string;
  cell?: string;
}

/** An answer recorded for the whole workload in its review file. */
export interface IWorkloadAnswer extends IAnswer {
  owner?: string;
  due?: string;
  evidence?: IEvidenceLink[];
}

/** An answer that applies to a notebook, with where it comes from. */
export interface IEffectiveAnswer extends IWorkloadAnswer {
  scope: Scope;
}

/** The workload review covering a notebook, as the server reads it (mllens-review.yaml). */
export interface IReviewState {
  path: string;
  version: string;
  workload: { name: string; owner?: string; [key: string]: unknown };
  answers: { [practiceId: string]: IWorkloadAnswer };
}

export interface IAnswersState {
  review: IReviewState | null;
  answers: { [practiceId: string]: IEffectiveAnswer };
}

export interface INamespace {
  schema_version: 1;
  lens?: string;
  phases?: string[];
  answers?: { [practiceId: string]: IAnswer };
}
