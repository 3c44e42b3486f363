/**
 * The sidebar's own rules, with no counterpart in Python: which phases it lists, where "next
 * unanswered" goes, what a status command records, and the view the settings start with.
 */
import { checklist, IFilters, nextUnanswered } from '../checklist';
import { withStatus } from '../metadata';
import { presentPhases, shownPhases } from '../phases';
import { DEFAULT_SETTINGS, startingView } from '../settings';
import { IAnswer, ILens } from '../types';

const NO_FILTER: IFilters = { unansweredOnly: false, highRiskOnly: false };

function lens(): ILens {
  const practice = (id: string, phase: string) => ({
    id,
    title: id,
    pillar: 'ops',
    phase,
    risk_if_absent: 'high' as const,
    aliases: [],
    docs_url: '',
    summary: '',
    questions: [],
    improvement: '',
    evidence: null
  });
  return {
    id: 'l',
    name: 'l',
    version: '',
    docs_url: '',
    pillars: [{ id: 'ops', name: 'Ops', prefix: 'OPS', summary: '' }],
    phases: ['data', 'model', 'deploy'].map((id, order) => ({
      id,
      name: id,
      stages: [id],
      order,
      summary: ''
    })),
    practices: [
      practice('OPS01-BP01', 'data'),
      practice('OPS01-BP02', 'model'),
      practice('OPS01-BP03', 'model')
    ]
  };
}

const done: IAnswer = { status: 'done', updated: '2026-11-28T10:00:00Z' };

describe('phases listed', () => {
  it('keeps lens order and adds the pinned phases', () => {
    const inference = { phases: ['model'] } as any;
    expect(presentPhases(lens(), inference, ['deploy', 'unknown'])).toEqual(['model', 'deploy']);
  });
  it.each([
    ['all', null, ['data'], null],
    ['model', null, ['data'], ['model']],
    ['no_such_phase', null, ['data'], null],
    ['current', 'deploy', ['data'], ['deploy']],
    ['current', null, ['data', 'model'], ['data', 'model']],
    ['current', null, [], null]
  ])('choice %s, current %s, present %j: %j', (choice, current, present, expected) => {
    expect(shownPhases(choice as string, lens(), current as any, present as string[])).toEqual(
      expected
    );
  });
});

describe('next unanswered practice', () => {
  const sections = (answers: { [id: string]: IAnswer }) =>
    checklist({
      lens: lens(),
      phases: null,
      answers,
      present: [],
      evidence: {},
      filters: NO_FILTER
    });
  it('starts from the top when nothing is focused', () => {
    expect(nextUnanswered(sections({}), null)).toBe('OPS01-BP01');
  });
  it('skips answered practices and wraps around', () => {
    expect(nextUnanswered(sections({ 'OPS01-BP01': done }), 'OPS01-BP02')).toBe('OPS01-BP03');
    expect(nextUnanswered(sections({ 'OPS01-BP01': done }), 'OPS01-BP03')).toBe('OPS01-BP02');
  });
  it('is null when every practice is answered', () => {
    const all = { 'OPS01-BP01': done, 'OPS01-BP02': done, 'OPS01-BP03': done };
    expect(nextUnanswered(sections(all), null)).toBeNull();
  });
});

describe('a status set by command', () => {
  it('keeps the note, and the reason when not applicable', () => {
    const before: IAnswer = { status: 'not_applicable', reason: 'out_of_scope', note: 'n' };
    expect(withStatus(before, 'not_applicable')).toMatchObject({
      status: 'not_applicable',
      reason: 'out_of_scope',
      note: 'n'
    });
    expect(withStatus(before, 'done')).not.toHaveProperty('reason');
    expect(withStatus(before, 'done').note).toBe('n');
  });
  it("records 'other' as the reason of a new not applicable", () => {
    expect(withStatus(undefined, 'not_applicable').reason).toBe('other');
  });
});

describe('the view the settings start with', () => {
  it('follows the active cell with no filter by default', () => {
    expect(startingView(DEFAULT_SETTINGS)).toEqual(['current', NO_FILTER]);
  });
  it('takes the phase and filters of the settings', () => {
    const settings = { ...DEFAULT_SETTINGS, phase: 'monitoring', highRiskOnly: true };
    expect(startingView(settings)).toEqual([
      'monitoring',
      { unansweredOnly: false, highRiskOnly: true }
    ]);
  });
});
