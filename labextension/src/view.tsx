/**
 * The sidebar's view: renders a LensModel and turns what the person does into model calls.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React, { useEffect, useRef, useState } from 'react';

import { IPillarSection, IPracticeRow } from './checklist';
import { lensIcon } from './icon';
import { makeAnswer, REASONS, STATUSES } from './metadata';
import { LensModel } from './model';
import { breakableParts, cellCount, percent, phaseName, phaseReasons, reasonList } from './phases';
import { IAnswer, Reason, Status } from './types';

export const SIDEBAR_ID = 'mllens-sidebar';
/** A note is written once typing pauses this long (and at once when the field loses focus). */
const NOTE_DELAY_MS = 400;

const STATUS_LABELS: { [key in Status]: string } = {
  done: 'Done',
  partial: 'Partial',
  todo: 'To do',
  not_applicable: 'Not applicable'
};

const REASON_LABELS: { [key in Reason]: string } = {
  out_of_scope: 'Out of scope',
  business_priorities: 'Business priorities',
  architecture_constraints: 'Architecture constraints',
  other: 'Other'
};

export class LensSidebar extends ReactWidget {
  constructor(readonly model: LensModel) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('jp-mllens-Sidebar');
    this.title.icon = lensIcon;
    this.title.caption = 'ML Lens';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'ML Lens');
    model.changed.connect(() => this.update(), this);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    window.addEventListener('keydown', this._flushOnSave, true);
    this.model.setVisible(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    window.removeEventListener('keydown', this._flushOnSave, true);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(true);
    this.update();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
  }

  protected render(): JSX.Element {
    return <Sidebar model={this.model} />;
  }

  /**
   * Ctrl/Cmd+S while a note is being typed: write the note first (by leaving the field), since
   * JupyterLab handles the shortcut before the field would.
   */
  private _flushOnSave = (event: KeyboardEvent): void => {
    const active = document.activeElement;
    const save = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's';
    if (save && active instanceof HTMLTextAreaElement && this.node.contains(active)) {
      active.blur();
    }
  };
}

function Sidebar({ model }: { model: LensModel }): JSX.Element {
  const notebook = model.notebook;
  return (
    <div className="jp-mllens-Body">
      <header className="jp-mllens-Header">
        <h2>ML Lens</h2>
        {notebook && <span className="jp-mllens-NotebookName">{notebook.title.label}</span>}
        {model.lens && <span className="jp-mllens-LensName">{model.lens.name}</span>}
        <span className="jp-mllens-Busy" aria-live="polite">
          {model.busy ? 'Inferring…' : ''}
        </span>
      </header>
      {model.error && (
        <p className="jp-mllens-Error" role="alert">
          {model.error}
        </p>
      )}
      {!notebook ? (
        <p className="jp-mllens-Empty">
          Open a notebook to see its lifecycle phase and the practices of the lens that apply.
        </p>
      ) : model.lens ? (
        <>
          <PhaseSummary model={model} />
          <Controls model={model} />
          <Checklist model={model} />
        </>
      ) : (
        !model.error && <p className="jp-mllens-Empty">Reading the notebook…</p>
      )}
    </div>
  );
}

function PhaseSummary({ model }: { model: LensModel }): JSX.Element {
  const current = model.current;
  const cell = model.activeCellInference;
  const reasons = reasonList(current?.reasons);
  return (
    <section className="jp-mllens-PhaseSummary" aria-label="Lifecycle phase">
      <p className="jp-mllens-CurrentPhase">
        <span className="jp-mllens-Label">This cell: </span>
        <strong className="jp-mllens-PhaseName" data-phase={current?.phase ?? ''}>
          {phaseName(model.lens, current?.phase)}
        </strong>{' '}
        {current?.phase && (
          <span className="jp-mllens-Confidence" title="confidence">
            {percent(current.confidence)}
          </span>
        )}
      </p>
      {(reasons.length > 0 || (cell?.stages.length ?? 0) > 0) && (
        <details className="jp-mllens-Reasons">
          <summary>Why this phase</summary>
          {cell && cell.stages.length > 0 && (
            <p>Stages of this cell: {cell.stages.join(', ')}</p>
          )}
          <ul>
            {reasons.map(reason => (
              <li key={reason}>
                <Breakable text={reason} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <PresentPhases model={model} />
    </section>
  );
}

/** Text whose long qualified names wrap between their parts (a `<wbr>` after each dot). */
function Breakable({ text }: { text: string }): JSX.Element {
  return (
    <>
      {breakableParts(text).map((part, index) => (
        <React.Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </React.Fragment>
      ))}
    </>
  );
}

function PresentPhases({ model }: { model: LensModel }): JSX.Element {
  const present = model.presentPhases;
  if (!present.length) {
    return <p className="jp-mllens-Empty">No lifecycle phase found in this notebook yet.</p>;
  }
  return (
    <div className="jp-mllens-Present">
      <h3 id="jp-mllens-present-label">Phases in this notebook</h3>
      <ul className="jp-mllens-PhaseChips" aria-labelledby="jp-mllens-present-label">
        {present.map(id => {
          const why = phaseReasons(model.lens, model.inference, id);
          const count = cellCount(model.inference, id);
          return (
            <li key={id}>
              <button
                type="button"
                className="jp-mllens-Chip"
                aria-pressed={model.phaseChoice === id}
                title={why.length ? why.join('\n') : 'pinned in the notebook metadata'}
                onClick={() => model.choosePhase(model.phaseChoice === id ? 'current' : id)}
              >
                {phaseName(model.lens, id)}
                <span className="jp-mllens-ChipCount">
                  {count} {count === 1 ? 'cell' : 'cells'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <details className="jp-mllens-Reasons">
        <summary>Why these phases</summary>
        {present.map(id => (
          <div key={id}>
            <h4>{phaseName(model.lens, id)}</h4>
            <ul>
              {phaseReasons(model.lens, model.inference, id).map(reason => (
                <li key={reason}>
                  <Breakable text={reason} />
                </li>
              ))}
            </ul>
          </div>
        ))}
      </details>
    </div>
  );
}

function Controls({ model }: { model: LensModel }): JSX.Element {
  const lens = model.lens!;
  const present = new Set(model.presentPhases);
  const current = model.current?.phase;
  return (
    <div className="jp-mllens-Controls">
      <label className="jp-mllens-Field">
        <span>Practices for</span>
        <select
          className="jp-mllens-Select"
          value={model.phaseChoice}
          onChange={event => model.choosePhase(event.currentTarget.value)}
        >
          <option value="current">
            Phase of this cell{current ? ` (${phaseName(lens, current)})` : ''}
          </option>
          {lens.phases.map(phase => (
            <option key={phase.id} value={phase.id}>
              {phase.name}
              {present.has(phase.id) ? ' (in this notebook)' : ''}
            </option>
          ))}
          <option value="all">All phases</option>
        </select>
      </label>
      <div className="jp-mllens-Filters" role="group" aria-label="Filters">
        <label>
          <input
            type="checkbox"
            checked={model.filters.unansweredOnly}
            onChange={event => model.setFilters({ unansweredOnly: event.currentTarget.checked })}
          />{' '}
          Unanswered only
        </label>
        <label>
          <input
            type="checkbox"
            checked={model.filters.highRiskOnly}
            onChange={event => model.setFilters({ highRiskOnly: event.currentTarget.checked })}
          />{' '}
          High risk only
        </label>
      </div>
    </div>
  );
}

function Checklist({ model }: { model: LensModel }): JSX.Element {
  const sections = model.sections.filter(section => section.total > 0);
  if (!sections.length) {
    return <p className="jp-mllens-Empty">The lens has no practice for this phase.</p>;
  }
  const onAnswer = (id: string, answer: IAnswer | null) => model.setAnswer(id, answer);
  return (
    <div className="jp-mllens-Checklist">
      {sections.map(section => (
        <PillarSection key={section.pillar.id} section={section} onAnswer={onAnswer} />
      ))}
    </div>
  );
}

type OnAnswer = (practiceId: string, answer: IAnswer | null) => void;

function PillarSection({
  section,
  onAnswer
}: {
  section: IPillarSection;
  onAnswer: OnAnswer;
}): JSX.Element {
  const headingId = `jp-mllens-pillar-${section.pillar.id}`;
  return (
    <section className="jp-mllens-Pillar" aria-labelledby={headingId} data-pillar={section.pillar.id}>
      <h3 id={headingId}>
        {section.pillar.name}{' '}
        <span
          className="jp-mllens-Count"
          aria-label={`${section.done} of ${section.total} done`}
          title={`${section.done} of ${section.total} done`}
        >
          {section.done}/{section.total}
        </span>
      </h3>
      {section.rows.length ? (
        <ul className="jp-mllens-Practices">
          {section.rows.map(row => (
            <PracticeItem key={row.practice.id} row={row} onAnswer={onAnswer} />
          ))}
        </ul>
      ) : (
        <p className="jp-mllens-Empty">No practice matches the filters.</p>
      )}
    </section>
  );
}

function PracticeItem({ row, onAnswer }: { row: IPracticeRow; onAnswer: OnAnswer }): JSX.Element {
  const { practice, answer } = row;
  const [pendingNA, setPendingNA] = useState(false);
  const [note, setNote] = useState(answer?.note ?? '');
  useEffect(() => setNote(answer?.note ?? ''), [answer?.note, answer?.updated]);
  useEffect(() => setPendingNA(false), [answer?.status]);
  const status = pendingNA ? 'not_applicable' : (answer?.status ?? '');
  const titleId = `jp-mllens-title-${practice.id}`;

  const timer = useRef(0);
  const latest = useRef(answer);
  latest.current = answer;
  const pending = useRef<string | null>(null);
  const saveNote = (text: string = note) => {
    window.clearTimeout(timer.current);
    pending.current = null;
    const current = latest.current;
    if (current && text !== (current.note ?? '')) {
      onAnswer(practice.id, makeAnswer(current.status, text, current.reason));
    }
  };
  const editNote = (text: string) => {
    setNote(text);
    pending.current = text;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => saveNote(text), NOTE_DELAY_MS);
  };
  useEffect(
    () => () => {
      if (pending.current !== null) {
        saveNote(pending.current);
      }
    },
    []
  );

  const chooseStatus = (value: string) => {
    window.clearTimeout(timer.current);
    pending.current = null;
    if (value === '') {
      onAnswer(practice.id, null);
    } else if (value === 'not_applicable' && !answer?.reason) {
      setPendingNA(true);
    } else {
      onAnswer(practice.id, makeAnswer(value as Status, note, answer?.reason));
    }
  };
  const chooseReason = (value: string) => {
    if (value) {
      onAnswer(practice.id, makeAnswer('not_applicable', note, value as Reason));
    }
  };

  return (
    <li className="jp-mllens-Practice" data-practice-id={practice.id} aria-labelledby={titleId}>
      <span className="jp-mllens-PracticeTitle" id={titleId}>
        {practice.title}
      </span>
      <div className="jp-mllens-PracticeMeta">
        <code className="jp-mllens-PracticeId">{practice.id}</code>
        <RiskBadge row={row} />
      </div>
      <div className="jp-mllens-Answer">
        <label className="jp-mllens-Field">
          <span>Status</span>
          <select
            className="jp-mllens-Select"
            aria-label={`Status of ${practice.id}`}
            value={status}
            onChange={event => chooseStatus(event.currentTarget.value)}
          >
            <option value="">Unanswered</option>
            {STATUSES.map(s => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        {status === 'not_applicable' && (
          <label className="jp-mllens-Field">
            <span>Reason</span>
            <select
              className="jp-mllens-Select"
              aria-label={`Why ${practice.id} is not applicable`}
              value={answer?.reason ?? ''}
              onChange={event => chooseReason(event.currentTarget.value)}
            >
              <option value="" disabled>
                Choose a reason…
              </option>
              {REASONS.map(r => (
                <option key={r} value={r}>
                  {REASON_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="jp-mllens-Field jp-mllens-NoteField">
          <span>Note</span>
          <textarea
            className="jp-mllens-Note"
            aria-label={`Note on ${practice.id}`}
            value={note}
            rows={2}
            disabled={!answer}
            placeholder={answer ? 'What was done, or why not' : 'Choose a status first'}
            onChange={event => editNote(event.currentTarget.value)}
            onBlur={() => saveNote()}
            onKeyDown={event => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                saveNote();
              }
            }}
          />
        </label>
      </div>
      <PracticeDetails row={row} />
    </li>
  );
}

function RiskBadge({ row }: { row: IPracticeRow }): JSX.Element {
  const { risk, answer } = row;
  if (risk) {
    return (
      <span className={`jp-mllens-Badge jp-mllens-Risk-${risk}`} title="risk while this practice is not done">
        {risk === 'high' ? 'High risk' : 'Medium risk'}
      </span>
    );
  }
  return (
    <span className="jp-mllens-Badge jp-mllens-Resolved">
      {answer ? STATUS_LABELS[answer.status] : ''}
    </span>
  );
}

function PracticeDetails({ row }: { row: IPracticeRow }): JSX.Element {
  const { practice, evidence } = row;
  return (
    <details className="jp-mllens-Details">
      <summary>Details</summary>
      <p>{practice.summary}</p>
      {practice.questions.length > 0 && (
        <>
          <h4>Questions to ask</h4>
          <ul>
            {practice.questions.map(question => (
              <li key={question}>{question}</li>
            ))}
          </ul>
        </>
      )}
      {practice.improvement && (
        <>
          <h4>How to improve</h4>
          <p>{practice.improvement}</p>
        </>
      )}
      <h4>Evidence in this notebook</h4>
      {evidence.length ? (
        <ul className="jp-mllens-Evidence">
          {evidence.map(item => (
            <li key={item}>
              <Breakable text={item} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-mllens-Empty">None found in the code of this notebook.</p>
      )}
      {practice.docs_url && (
        <p>
          <a href={practice.docs_url} target="_blank" rel="noopener noreferrer">
            Read {practice.id} in the AWS documentation
          </a>
        </p>
      )}
    </details>
  );
}
