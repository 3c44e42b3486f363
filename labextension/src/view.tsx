/**
 * The sidebar's view: renders a LensModel and turns what the person does into model calls.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import React, { useContext, useEffect, useRef, useState } from 'react';

import { ApiError } from './api';
import { IPillarSection, IPracticeRow } from './checklist';
import { lensIcon } from './icon';
import { riskLabel, statusLabel, TRANSLATION_DOMAIN } from './labels';
import { makeAnswer } from './metadata';
import { LensModel } from './model';
import { breakableParts, cellCount, percent, phaseName, phaseReasons, reasonList } from './phases';
import { ReasonOptions, StatusOptions } from './options';
import { Trans } from './translation';
import { IAnswer, Reason, Status } from './types';
import { ScopeBadge, ScopeChoice, ScopeValue, WorkloadForm, WorkloadSummary } from './workload';

export const SIDEBAR_ID = 'mllens-sidebar';

export class LensSidebar extends ReactWidget {
  constructor(
    readonly model: LensModel,
    readonly trans: TranslationBundle = nullTranslator.load(TRANSLATION_DOMAIN)
  ) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('jp-mllens-Sidebar');
    this.title.icon = lensIcon;
    this.title.caption = trans.__('ML Lens');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('ML Lens'));
    model.changed.connect(() => this.update(), this);
  }

  /** Emitted when the sidebar is shown or hidden (the toggle command's state). */
  get visibilityChanged(): ISignal<this, boolean> {
    return this._visibilityChanged;
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
    this._visibilityChanged.emit(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
    this._visibilityChanged.emit(false);
  }

  protected render(): JSX.Element {
    return (
      <Trans.Provider value={this.trans}>
        <Sidebar model={this.model} />
      </Trans.Provider>
    );
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

  private _visibilityChanged = new Signal<this, boolean>(this);
}

function Sidebar({ model }: { model: LensModel }): JSX.Element {
  const trans = useContext(Trans);
  const notebook = model.notebook;
  return (
    <div className="jp-mllens-Body">
      <header className="jp-mllens-Header">
        <h2>{trans.__('ML Lens')}</h2>
        {notebook && <span className="jp-mllens-NotebookName">{notebook.title.label}</span>}
        {model.lens && <span className="jp-mllens-LensName">{model.lens.name}</span>}
        <span className="jp-mllens-Busy" aria-live="polite">
          {model.busy ? trans.__('Inferring…') : ''}
        </span>
      </header>
      {model.error && (
        <p className="jp-mllens-Error" role="alert">
          {problemText(trans, model.error)}
        </p>
      )}
      {!notebook ? (
        <p className="jp-mllens-Empty">
          {trans.__(
            'Open a notebook to see its lifecycle phase and the practices of the lens that apply.'
          )}
        </p>
      ) : model.lens ? (
        <>
          <PhaseSummary model={model} />
          <Controls model={model} />
          <WorkloadSummary model={model} />
          <Checklist model={model} />
        </>
      ) : (
        !model.error && <p className="jp-mllens-Empty">{trans.__('Reading the notebook…')}</p>
      )}
    </div>
  );
}

/** A failed request in the person's words; the server's own messages are shown as it wrote them. */
function problemText(trans: TranslationBundle, error: Error): string {
  const problem = error instanceof ApiError ? error.problem : 'server';
  if (problem === 'unreachable') {
    return trans.__('The Jupyter server cannot be reached: %1', error.message);
  }
  if (problem === 'no_extension') {
    return trans.__(
      'The mllens server extension is not enabled: run %1 and restart Jupyter.',
      '`jupyter server extension enable mllens_jupyter`'
    );
  }
  return error.message;
}

function PhaseSummary({ model }: { model: LensModel }): JSX.Element {
  const trans = useContext(Trans);
  const current = model.current;
  const cell = model.activeCellInference;
  const reasons = reasonList(current?.reasons);
  return (
    <section className="jp-mllens-PhaseSummary" aria-label={trans.__('Lifecycle phase')}>
      <p className="jp-mllens-CurrentPhase">
        <span className="jp-mllens-Label">{trans.__('This cell:')} </span>
        <strong className="jp-mllens-PhaseName" data-phase={current?.phase ?? ''}>
          {current?.phase ? phaseName(model.lens, current.phase) : trans.__('No phase found')}
        </strong>{' '}
        {current?.phase && (
          <span className="jp-mllens-Confidence" title={trans.__('confidence')}>
            {percent(current.confidence)}
          </span>
        )}
      </p>
      {(reasons.length > 0 || (cell?.stages.length ?? 0) > 0) && (
        <details className="jp-mllens-Reasons">
          <summary>{trans.__('Why this phase')}</summary>
          {cell && cell.stages.length > 0 && (
            <p>{trans.__('Stages of this cell: %1', cell.stages.join(', '))}</p>
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
  const trans = useContext(Trans);
  const cellOf = (cell: number) => trans.__('cell %1', cell);
  const present = model.presentPhases;
  if (!present.length) {
    return (
      <p className="jp-mllens-Empty">
        {trans.__('No lifecycle phase found in this notebook yet.')}
      </p>
    );
  }
  return (
    <div className="jp-mllens-Present">
      <h3 id="jp-mllens-present-label">{trans.__('Phases in this notebook')}</h3>
      <ul className="jp-mllens-PhaseChips" aria-labelledby="jp-mllens-present-label">
        {present.map(id => {
          const why = phaseReasons(model.lens, model.inference, id, cellOf);
          const count = cellCount(model.inference, id);
          return (
            <li key={id}>
              <button
                type="button"
                className="jp-mllens-Chip"
                aria-pressed={model.phaseChoice === id}
                title={why.length ? why.join('\n') : trans.__('pinned in the notebook metadata')}
                onClick={() => model.choosePhase(model.phaseChoice === id ? 'current' : id)}
              >
                {phaseName(model.lens, id)}
                <span className="jp-mllens-ChipCount">
                  {trans._n('%1 cell', '%1 cells', count)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <details className="jp-mllens-Reasons">
        <summary>{trans.__('Why these phases')}</summary>
        {present.map(id => (
          <div key={id}>
            <h4>{phaseName(model.lens, id)}</h4>
            <ul>
              {phaseReasons(model.lens, model.inference, id, cellOf).map(reason => (
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
  const trans = useContext(Trans);
  const lens = model.lens!;
  const present = new Set(model.presentPhases);
  const current = model.current?.phase;
  return (
    <div className="jp-mllens-Controls">
      <label className="jp-mllens-Field">
        <span>{trans.__('Practices for')}</span>
        <select
          className="jp-mllens-Select"
          value={model.phaseChoice}
          onChange={event => model.choosePhase(event.currentTarget.value)}
        >
          <option value="current">
            {current
              ? trans.__('Phase of this cell (%1)', phaseName(lens, current))
              : trans.__('Phase of this cell')}
          </option>
          {lens.phases.map(phase => (
            <option key={phase.id} value={phase.id}>
              {present.has(phase.id) ? trans.__('%1 (in this notebook)', phase.name) : phase.name}
            </option>
          ))}
          <option value="all">{trans.__('All phases')}</option>
        </select>
      </label>
      <div className="jp-mllens-Filters" role="group" aria-label={trans.__('Filters')}>
        <label>
          <input
            type="checkbox"
            checked={model.filters.unansweredOnly}
            onChange={event => model.setFilters({ unansweredOnly: event.currentTarget.checked })}
          />{' '}
          {trans.__('Unanswered only')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={model.filters.highRiskOnly}
            onChange={event => model.setFilters({ highRiskOnly: event.currentTarget.checked })}
          />{' '}
          {trans.__('High risk only')}
        </label>
      </div>
    </div>
  );
}

function Checklist({ model }: { model: LensModel }): JSX.Element {
  const trans = useContext(Trans);
  const sections = model.sections.filter(section => section.total > 0);
  if (!sections.length) {
    return (
      <p className="jp-mllens-Empty">{trans.__('The lens has no practice for this phase.')}</p>
    );
  }
  return (
    <div className="jp-mllens-Checklist">
      {sections.map(section => (
        <PillarSection key={section.pillar.id} section={section} model={model} />
      ))}
    </div>
  );
}

type OnAnswer = (practiceId: string, answer: IAnswer | null) => void;

function PillarSection({
  section,
  model
}: {
  section: IPillarSection;
  model: LensModel;
}): JSX.Element {
  const trans = useContext(Trans);
  const onAnswer: OnAnswer = (id, answer) => model.setAnswer(id, answer);
  const done = trans.__('%1 of %2 done or not applicable', section.done, section.total);
  const headingId = `jp-mllens-pillar-${section.pillar.id}`;
  return (
    <section
      className="jp-mllens-Pillar"
      aria-labelledby={headingId}
      data-pillar={section.pillar.id}
    >
      <h3 id={headingId}>
        {section.pillar.name}{' '}
        <span className="jp-mllens-Count" aria-label={done} title={done}>
          {section.done}/{section.total}
        </span>
      </h3>
      {section.rows.length ? (
        <ul className="jp-mllens-Practices">
          {section.rows.map(row => (
            <PracticeItem key={row.practice.id} row={row} onAnswer={onAnswer} model={model} />
          ))}
        </ul>
      ) : (
        <p className="jp-mllens-Empty">{trans.__('No practice matches the filters.')}</p>
      )}
    </section>
  );
}

function PracticeItem({
  row,
  onAnswer,
  model
}: {
  row: IPracticeRow;
  onAnswer: OnAnswer;
  model: LensModel;
}): JSX.Element {
  const { practice } = row;
  const focused = model.focused === practice.id;
  const inherited = row.answer?.scope === 'workload';
  const [scope, setScope] = useState<ScopeValue>(inherited ? 'workload' : 'notebook');
  useEffect(() => setScope(inherited ? 'workload' : 'notebook'), [inherited]);
  const workload = scope === 'workload' && model.review !== null;
  const card = useRef<HTMLLIElement>(null);
  const statusField = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (focused && model.focusRequest > 0) {
      card.current?.scrollIntoView({ block: 'nearest' });
      statusField.current?.focus();
    }
  }, [model.focusRequest]);
  const titleId = `jp-mllens-title-${practice.id}`;
  return (
    <li
      ref={card}
      className="jp-mllens-Practice"
      data-practice-id={practice.id}
      data-focused={focused}
      data-scope={row.answer?.scope ?? ''}
      aria-labelledby={titleId}
      onFocus={() => model.focus(practice.id)}
    >
      <span className="jp-mllens-PracticeTitle" id={titleId}>
        {practice.title}
      </span>
      <div className="jp-mllens-PracticeMeta">
        <code className="jp-mllens-PracticeId">{practice.id}</code>
        <RiskBadge row={row} />
        <ScopeBadge practiceId={practice.id} answer={row.answer} review={model.review} />
      </div>
      {model.review && <ScopeChoice practiceId={practice.id} scope={scope} onChange={setScope} />}
      {workload ? (
        <WorkloadForm practiceId={practice.id} model={model} statusField={statusField} />
      ) : (
        <NotebookAnswer row={row} onAnswer={onAnswer} model={model} statusField={statusField} />
      )}
      <PracticeDetails row={row} />
    </li>
  );
}

/** The notebook's own answer to a practice (in its metadata): status, reason and note. */
function NotebookAnswer({
  row,
  onAnswer,
  model,
  statusField
}: {
  row: IPracticeRow;
  onAnswer: OnAnswer;
  model: LensModel;
  statusField: React.RefObject<HTMLSelectElement>;
}): JSX.Element {
  const trans = useContext(Trans);
  const { practice } = row;
  const answer: IAnswer | undefined = row.answer?.scope === 'notebook' ? row.answer : undefined;
  const [pendingNA, setPendingNA] = useState(false);
  const [note, setNote] = useState(answer?.note ?? '');
  useEffect(() => setNote(answer?.note ?? ''), [answer?.note, answer?.updated]);
  useEffect(() => setPendingNA(false), [answer?.status]);
  const status = pendingNA ? 'not_applicable' : (answer?.status ?? '');

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
    timer.current = window.setTimeout(() => saveNote(text), model.settings.noteDelay);
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
    <div className="jp-mllens-Answer">
      <label className="jp-mllens-Field">
        <span>{trans.__('Status')}</span>
        <select
          ref={statusField}
          className="jp-mllens-Select"
          aria-label={trans.__('Status of %1', practice.id)}
          value={status}
          onChange={event => chooseStatus(event.currentTarget.value)}
        >
          <option value="">{trans.__('Unanswered')}</option>
          <StatusOptions trans={trans} />
        </select>
      </label>
      {status === 'not_applicable' && (
        <label className="jp-mllens-Field">
          <span>{trans.__('Reason')}</span>
          <select
            className="jp-mllens-Select"
            aria-label={trans.__('Why %1 is not applicable', practice.id)}
            value={answer?.reason ?? ''}
            onChange={event => chooseReason(event.currentTarget.value)}
          >
            <option value="" disabled>
              {trans.__('Choose a reason…')}
            </option>
            <ReasonOptions trans={trans} />
          </select>
        </label>
      )}
      <label className="jp-mllens-Field jp-mllens-NoteField">
        <span>{trans.__('Note')}</span>
        <textarea
          className="jp-mllens-Note"
          aria-label={trans.__('Note on %1', practice.id)}
          value={note}
          rows={2}
          disabled={!answer}
          placeholder={
            answer ? trans.__('What was done, or why not') : trans.__('Choose a status first')
          }
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
  );
}

function RiskBadge({ row }: { row: IPracticeRow }): JSX.Element {
  const trans = useContext(Trans);
  const { risk, answer } = row;
  if (risk) {
    return (
      <span
        className={`jp-mllens-Badge jp-mllens-Risk-${risk}`}
        title={trans.__('risk while this practice is not done')}
      >
        {riskLabel(trans, risk)}
      </span>
    );
  }
  return (
    <span className="jp-mllens-Badge jp-mllens-Resolved">
      {answer ? statusLabel(trans, answer.status) : ''}
    </span>
  );
}

function PracticeDetails({ row }: { row: IPracticeRow }): JSX.Element {
  const trans = useContext(Trans);
  const { practice, evidence } = row;
  return (
    <details className="jp-mllens-Details">
      <summary>{trans.__('Details')}</summary>
      <p>{practice.summary}</p>
      {practice.questions.length > 0 && (
        <>
          <h4>{trans.__('Questions to ask')}</h4>
          <ul>
            {practice.questions.map(question => (
              <li key={question}>{question}</li>
            ))}
          </ul>
        </>
      )}
      {practice.improvement && (
        <>
          <h4>{trans.__('How to improve')}</h4>
          <p>{practice.improvement}</p>
        </>
      )}
      <h4>{trans.__('Evidence in this notebook')}</h4>
      {evidence.length ? (
        <ul className="jp-mllens-Evidence">
          {evidence.map(item => (
            <li key={item}>
              <Breakable text={item} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-mllens-Empty">{trans.__('None found in the code of this notebook.')}</p>
      )}
      {practice.docs_url && (
        <p>
          <a href={practice.docs_url} target="_blank" rel="noopener noreferrer">
            {trans.__('Read %1 in the AWS documentation', practice.id)}
          </a>
        </p>
      )}
    </details>
  );
}
