/**
 * The parts of a card that deal with the workload review (mllens-review.yaml): where an answer
 * comes from, the choice of scope when answering, and the workload's answer with its owner, due
 * date and the cells cited as its evidence.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useContext, useEffect, useState } from 'react';

import { statusLabel } from './labels';
import { IWorkloadFields, LensModel } from './model';
import { ReasonOptions, StatusOptions } from './options';
import { Trans } from './translation';
import { IEffectiveAnswer, IEvidenceLink, IReviewState, IWorkloadAnswer, Status } from './types';

export type ScopeValue = 'notebook' | 'workload';

/** The workload the notebook belongs to, or how to start reviewing one. */
export function WorkloadSummary({ model }: { model: LensModel }): JSX.Element {
  const trans = useContext(Trans);
  const review = model.review;
  if (!review) {
    return (
      <p className="jp-mllens-Hint jp-mllens-WorkloadHint">
        {trans.__(
          'No review file covers this notebook: `mllens review init` starts one, so that answers can be given for the whole workload.'
        )}
      </p>
    );
  }
  return (
    <p className="jp-mllens-Workload" title={review.path}>
      <span className="jp-mllens-Label">{trans.__('Workload:')} </span>
      <strong>{review.workload.name}</strong>{' '}
      <span className="jp-mllens-ReviewPath">{review.path}</span>
    </p>
  );
}

/**
 * Where an answer comes from, when a review file covers the notebook (without one, every answer is
 * the notebook's): the workload's review file, or this notebook.
 */
export function ScopeBadge({
  practiceId,
  answer,
  review
}: {
  practiceId: string;
  answer: IEffectiveAnswer | undefined;
  review: IReviewState | null;
}): JSX.Element | null {
  const trans = useContext(Trans);
  if (!answer || !review) {
    return null;
  }
  if (answer.scope === 'workload') {
    return (
      <span
        className="jp-mllens-Badge jp-mllens-Scope"
        data-scope="workload"
        title={trans.__('Answered for the whole workload in %1', review.path)}
      >
        {trans.__('Workload')}
      </span>
    );
  }
  const overrides = review.answers[practiceId] !== undefined;
  return (
    <span
      className="jp-mllens-Badge jp-mllens-Scope"
      data-scope="notebook"
      title={
        overrides
          ? trans.__("Answered in this notebook; it overrides the workload's answer")
          : trans.__('Answered in this notebook')
      }
    >
      {trans.__('This notebook')}
    </span>
  );
}

export function ScopeChoice({
  practiceId,
  scope,
  onChange
}: {
  practiceId: string;
  scope: ScopeValue;
  onChange: (scope: ScopeValue) => void;
}): JSX.Element {
  const trans = useContext(Trans);
  return (
    <label className="jp-mllens-Field jp-mllens-ScopeField">
      <span>{trans.__('Answer for')}</span>
      <select
        className="jp-mllens-Select"
        aria-label={trans.__('Answer %1 for', practiceId)}
        value={scope}
        onChange={event => onChange(event.currentTarget.value as ScopeValue)}
      >
        <option value="notebook">{trans.__('This notebook')}</option>
        <option value="workload">{trans.__('Whole workload')}</option>
      </select>
    </label>
  );
}

interface IDraft {
  status: string;
  reason: string;
  note: string;
  owner: string;
  due: string;
}

function draftOf(answer: IWorkloadAnswer | undefined): IDraft {
  return {
    status: answer?.status ?? '',
    reason: answer?.reason ?? '',
    note: answer?.note ?? '',
    owner: answer?.owner ?? '',
    due: answer?.due ?? ''
  };
}

function fieldsOf(draft: IDraft): IWorkloadFields {
  const status = (draft.status || null) as Status | null;
  return {
    status,
    note: draft.note,
    reason: status === 'not_applicable' ? draft.reason || 'other' : undefined,
    owner: draft.owner,
    due: draft.due
  };
}

/**
 * The workload's answer as a form written with one button: what the person typed stays in the
 * form until the review file records it (after a conflict, the newer answer shows above it).
 */
export function WorkloadForm({
  practiceId,
  model,
  statusField
}: {
  practiceId: string;
  model: LensModel;
  statusField: React.RefObject<HTMLSelectElement>;
}): JSX.Element {
  const trans = useContext(Trans);
  const recorded = model.workloadAnswer(practiceId);
  const [draft, setDraft] = useState(draftOf(recorded));
  const [edited, setEdited] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!edited) {
      setDraft(draftOf(recorded));
    }
  }, [recorded?.updated, recorded?.status, edited]);
  const edit = (change: Partial<IDraft>) => {
    setDraft({ ...draft, ...change });
    setEdited(true);
  };
  const run = async (write: () => Promise<boolean>) => {
    setSaving(true);
    const ok = await write();
    setSaving(false);
    setMessage(ok ? null : writeProblem(model, trans));
    if (ok) {
      setEdited(false);
    }
  };
  const save = () => run(() => model.setWorkloadAnswer(practiceId, fieldsOf(draft)));
  const cite = () => run(() => model.citeActiveCell(practiceId));
  return (
    <div className="jp-mllens-WorkloadAnswer">
      {message && (
        <p className="jp-mllens-Error" role="alert">
          {message}
        </p>
      )}
      {edited && recorded && (
        <p className="jp-mllens-Recorded">
          {trans.__('Recorded for the workload: %1', statusLabel(trans, recorded.status))}
          {recorded.note ? ` — ${recorded.note}` : ''}
        </p>
      )}
      <div className="jp-mllens-Answer">
        <label className="jp-mllens-Field">
          <span>{trans.__('Status')}</span>
          <select
            ref={statusField}
            className="jp-mllens-Select"
            aria-label={trans.__('Workload status of %1', practiceId)}
            value={draft.status}
            onChange={event => edit({ status: event.currentTarget.value })}
          >
            <option value="">{trans.__('Unanswered')}</option>
            <StatusOptions trans={trans} />
          </select>
        </label>
        {draft.status === 'not_applicable' && (
          <label className="jp-mllens-Field">
            <span>{trans.__('Reason')}</span>
            <select
              className="jp-mllens-Select"
              aria-label={trans.__('Why %1 is not applicable to the workload', practiceId)}
              value={draft.reason || 'other'}
              onChange={event => edit({ reason: event.currentTarget.value })}
            >
              <ReasonOptions trans={trans} />
            </select>
          </label>
        )}
        <label className="jp-mllens-Field">
          <span>{trans.__('Owner')}</span>
          <input
            className="jp-mllens-Select"
            aria-label={trans.__('Owner of %1', practiceId)}
            value={draft.owner}
            onChange={event => edit({ owner: event.currentTarget.value })}
          />
        </label>
        <label className="jp-mllens-Field">
          <span>{trans.__('Due')}</span>
          <input
            type="date"
            className="jp-mllens-Select"
            aria-label={trans.__('Due date of %1', practiceId)}
            value={draft.due}
            onChange={event => edit({ due: event.currentTarget.value })}
          />
        </label>
        <label className="jp-mllens-Field jp-mllens-NoteField">
          <span>{trans.__('Note')}</span>
          <textarea
            className="jp-mllens-Note"
            aria-label={trans.__('Workload note on %1', practiceId)}
            value={draft.note}
            rows={2}
            onChange={event => edit({ note: event.currentTarget.value })}
          />
        </label>
      </div>
      <div className="jp-mllens-Buttons">
        <button
          type="button"
          className="jp-mllens-Button"
          disabled={saving || !edited}
          onClick={() => void save()}
        >
          {trans.__('Save for the workload')}
        </button>
        <button
          type="button"
          className="jp-mllens-Button"
          disabled={saving || !recorded}
          title={
            recorded
              ? trans.__('Add the active cell as evidence of the workload answer')
              : trans.__('Answer for the workload first')
          }
          onClick={() => void cite()}
        >
          {trans.__('Cite this cell')}
        </button>
      </div>
      <EvidenceLinks links={recorded?.evidence ?? []} />
    </div>
  );
}

function writeProblem(model: LensModel, trans: TranslationBundle): string {
  return model.reviewConflict
    ? trans.__(
        'The review file changed since it was read: the newer answer is shown, and what you entered is kept in the form.'
      )
    : (model.reviewMessage ?? trans.__('The review file could not be written.'));
}

function EvidenceLinks({ links }: { links: IEvidenceLink[] }): JSX.Element | null {
  const trans = useContext(Trans);
  if (!links.length) {
    return null;
  }
  return (
    <>
      <h4>{trans.__('Cited as evidence')}</h4>
      <ul className="jp-mllens-Evidence jp-mllens-Cited">
        {links.map(link => (
          <li key={`${link.notebook}#${link.cell ?? ''}`}>
            {link.cell ? trans.__('%1, cell %2', link.notebook, link.cell) : link.notebook}
          </li>
        ))}
      </ul>
    </>
  );
}
