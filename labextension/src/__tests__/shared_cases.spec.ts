/**
 * The rules the sidebar keeps in TypeScript, against the table of cases that pytest also runs
 * against the Python functions (tests/shared_cases/answer_rules.json).
 */
import * as fs from 'fs';
import * as path from 'path';

import { checklist, effectiveAnswers, resolveAnswers } from '../checklist';
import { openRisk } from '../metadata';
import { IAnswer, ILens, RiskLevel } from '../types';

const CASES = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '..', '..', '..', 'tests', 'shared_cases', 'answer_rules.json'),
    'utf-8'
  )
);

type Answers = { [key: string]: IAnswer };

function tableLens(): ILens {
  const spec = CASES.lens;
  return {
    id: 'table',
    name: 'table',
    version: '',
    docs_url: '',
    pillars: spec.pillars.map((id: string) => ({ id, name: id, prefix: '', summary: '' })),
    phases: spec.phases.map((id: string, order: number) => ({
      id,
      name: id,
      stages: [id],
      order,
      summary: ''
    })),
    practices: spec.practices.map((p: any) => ({
      ...p,
      title: p.id,
      docs_url: '',
      summary: '',
      questions: [],
      improvement: '',
      evidence: null
    }))
  };
}

describe('open risk', () => {
  for (const c of CASES.open_risk) {
    it(c.case, () => {
      expect(openRisk(c.risk_if_absent as RiskLevel, c.answer ?? undefined)).toEqual(c.expected);
    });
  }
});

describe('done of total per pillar', () => {
  for (const c of CASES.coverage) {
    it(c.case, () => {
      const lens = tableLens();
      const sections = checklist({
        lens,
        phases: null,
        answers: effectiveAnswers(resolveAnswers(lens, c.answers as Answers), {}),
        present: lens.phases.map(p => p.id),
        evidence: {},
        filters: { unansweredOnly: false, highRiskOnly: false }
      });
      const counts = Object.fromEntries(sections.map(s => [s.pillar.id, [s.done, s.total]]));
      expect(counts).toEqual(c.expected);
    });
  }
});

describe('resolving answers', () => {
  for (const c of CASES.resolve) {
    it(c.case, () => {
      expect(resolveAnswers(tableLens(), c.answers as Answers)).toEqual(c.expected);
    });
  }
});

describe('effective answers', () => {
  for (const c of CASES.effective) {
    it(c.case, () => {
      expect(effectiveAnswers(c.own as Answers, c.workload as Answers)).toEqual(c.expected);
    });
  }
});
