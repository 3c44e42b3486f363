/**
 * The sidebar's model: which notebook and cell it follows, the lens, the inference the server
 * returned, the person's choices (phase, filters), and the answers in the notebook's metadata.
 * It knows nothing of the view; the view listens to `changed`.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ApiError,
  fetchAnswers,
  fetchInference,
  IInferRequest,
  lensFetcher,
  writeReview
} from './api';
import { checklist, effectiveAnswers, IFilters, IPillarSection, resolveAnswers } from './checklist';
import { answersOf, asNamespace, NAMESPACE, withAnswer } from './metadata';
import { PhaseChoice, presentPhases, shownPhases } from './phases';
import { DEFAULT_SETTINGS, ISettings, startingView } from './settings';
import {
  IAnswer,
  ICellInference,
  IEffectiveAnswer,
  IReviewState,
  ICurrentPhase,
  IInference,
  ILens,
  INamespace,
  IWorkloadAnswer,
  Status
} from './types';

/** What a person gives for a workload answer (status null removes it). */
export interface IWorkloadFields {
  status: Status | null;
  note?: string;
  reason?: string;
  owner?: string;
  due?: string;
}

export class LensModel implements IDisposable {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  get lens(): ILens | null {
    return this._lens;
  }

  get inference(): IInference | null {
    return this._inference;
  }

  get busy(): boolean {
    return this._busy;
  }

  /** Why the last inference failed (an ApiError says which kind of failure), or null. */
  get error(): Error | null {
    return this._error;
  }

  get phaseChoice(): PhaseChoice {
    return this._phaseChoice;
  }

  get filters(): IFilters {
    return this._filters;
  }

  get activeCell(): number {
    return this._activeCell;
  }

  get settings(): ISettings {
    return this._settings;
  }

  /** The practice the person is on in the sidebar (the target of the status commands), or null. */
  get focused(): string | null {
    return this._focused;
  }

  /** Grows each time a command moves to a practice, so that the view moves the keyboard focus there. */
  get focusRequest(): number {
    return this._focusRequest;
  }

  get namespace(): INamespace | null {
    return asNamespace(this._notebook?.model?.getMetadata(NAMESPACE));
  }

  /** The answers that apply: the notebook's own (as the editor holds them) over its workload's. */
  get answers(): { [id: string]: IEffectiveAnswer } {
    if (!this._lens) {
      return {};
    }
    const own = resolveAnswers(this._lens, answersOf(this.namespace));
    return effectiveAnswers(own, this._review?.answers ?? {});
  }

  /** The workload review covering the notebook (mllens-review.yaml), or null when none does. */
  get review(): IReviewState | null {
    return this._review;
  }

  /** What the server said when the last workload write or read failed, or null. */
  get reviewMessage(): string | null {
    return this._reviewMessage;
  }

  /** Whether the last workload write was refused because the review file had changed. */
  get reviewConflict(): boolean {
    return this._reviewConflict;
  }

  /** The phases present: inferred, plus those the person pinned in the metadata. */
  get presentPhases(): string[] {
    return presentPhases(this._lens, this._inference, this.namespace?.phases);
  }

  get current(): ICurrentPhase | null {
    return this._inference?.current ?? null;
  }

  get activeCellInference(): ICellInference | null {
    return this._inference?.cells.find(c => c.index === this._activeCell) ?? null;
  }

  /** The phases whose practices are listed; null means every phase. */
  get shownPhases(): string[] | null {
    return shownPhases(this._phaseChoice, this._lens, this.current?.phase, this.presentPhases);
  }

  get sections(): IPillarSection[] {
    if (!this._lens) {
      return [];
    }
    return checklist({
      lens: this._lens,
      phases: this.shownPhases,
      answers: this.answers,
      present: this.presentPhases,
      evidence: this._inference?.evidence ?? {},
      filters: this._filters
    });
  }

  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._notebook) {
      return;
    }
    this._disconnect();
    this._notebook = panel;
    this._focused = null;
    this._inference = null;
    this._lastBody = null;
    this._error = null;
    this._review = null;
    this._reviewMessage = null;
    this._activeCell = panel?.content.activeCellIndex ?? 0;
    if (panel) {
      this._connect(panel);
    }
    this._changed.emit();
  }

  setActiveCell(index: number): void {
    if (index === this._activeCell) {
      return;
    }
    this._activeCell = index;
    this._changed.emit();
    this._schedule(this._settings.cellDelay);
  }

  /** New settings: the phase shown and the filters start over from them; another lens re-infers. */
  configure(settings: Partial<ISettings>): void {
    const previous = this._settings;
    this._settings = { ...DEFAULT_SETTINGS, ...settings };
    [this._phaseChoice, this._filters] = startingView(this._settings);
    if (previous.defaultLens !== this._settings.defaultLens) {
      this._lastBody = null;
      this._schedule(0);
    }
    this._changed.emit();
  }

  /** The practice the person is on (focus moved there); `moveKeyboard` asks the view to move the focus. */
  focus(practiceId: string | null, moveKeyboard = false): void {
    if (practiceId !== this._focused || moveKeyboard) {
      this._focused = practiceId;
      this._focusRequest += moveKeyboard ? 1 : 0;
      this._changed.emit();
    }
  }

  /** Work happens only while the sidebar is visible; a change while hidden is caught up on show. */
  setVisible(visible: boolean): void {
    this._visible = visible;
    if (visible && this._stale) {
      this._schedule(0);
    }
    if (visible) {
      this._scheduleReview(0);
    }
  }

  choosePhase(choice: PhaseChoice): void {
    this._phaseChoice = choice;
    this._changed.emit();
  }

  setFilters(filters: Partial<IFilters>): void {
    this._filters = { ...this._filters, ...filters };
    this._changed.emit();
  }

  /** Record (or remove, with null) an answer in the notebook's metadata; the notebook becomes dirty. */
  setAnswer(practiceId: string, answer: IAnswer | null): void {
    const model = this._notebook?.model;
    const lens = this._lens;
    if (!model || !lens) {
      return;
    }
    let namespace: INamespace | null = this.namespace;
    const practice = lens.practices.find(p => p.id === practiceId);
    for (const alias of practice?.aliases ?? []) {
      if (answersOf(namespace)[alias]) {
        namespace = withAnswer(namespace, alias, null, lens.id);
      }
    }
    model.setMetadata(NAMESPACE, withAnswer(namespace, practiceId, answer, lens.id));
  }

  /**
   * Record (or remove, with status null) the whole workload's answer in its review file. False
   * when the file changed since it was read: the newer state is fetched and a message says so.
   */
  async setWorkloadAnswer(practiceId: string, fields: IWorkloadFields): Promise<boolean> {
    const body: { [key: string]: unknown } = { ...fields };
    for (const key of ['note', 'reason', 'owner', 'due']) {
      if (!body[key]) {
        delete body[key];
      }
    }
    if (fields.status !== 'not_applicable') {
      delete body.reason;
    }
    return this._writeReview(practiceId, body);
  }

  /** Add the active cell (its id) as evidence of the workload's answer to `practiceId`. */
  async citeActiveCell(practiceId: string): Promise<boolean> {
    const cell = this._notebook?.content.activeCell?.model.id;
    if (!cell) {
      return false;
    }
    return this._writeReview(practiceId, { cite: cell });
  }

  /** The workload answer recorded for `practiceId` in the review file, if any. */
  workloadAnswer(practiceId: string): IWorkloadAnswer | undefined {
    return this._review?.answers[practiceId];
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._disconnect();
    Signal.clearData(this);
  }

  private async _writeReview(
    practice: string,
    fields: { [key: string]: unknown }
  ): Promise<boolean> {
    const panel = this._notebook;
    const review = this._review;
    if (!panel || !review) {
      return false;
    }
    const lens = this._lens?.id;
    const write = { ...fields, path: panel.context.path, practice, version: review.version, lens };
    try {
      const state = await writeReview(write as any);
      if (panel === this._notebook) {
        this._review = state;
        this._reviewMessage = null;
        this._reviewConflict = false;
        this._changed.emit();
      }
      this._scheduleReview(0);
      return true;
    } catch (error) {
      this._reviewConflict = error instanceof ApiError && error.status === 409;
      this._reviewMessage = (error as Error).message;
      this._changed.emit();
      this._scheduleReview(0);
      return false;
    }
  }

  private _scheduleReview(delay: number): void {
    window.clearTimeout(this._reviewTimer);
    if (!this._visible || !this._notebook) {
      return;
    }
    this._reviewTimer = window.setTimeout(() => void this._fetchReview(), delay);
  }

  private async _fetchReview(): Promise<void> {
    const panel = this._notebook;
    if (!panel?.model || !panel.context.isReady) {
      return;
    }
    const namespace = asNamespace(panel.model.getMetadata(NAMESPACE));
    const metadata = namespace ? { [NAMESPACE]: namespace } : {};
    const lens = namespace?.lens || this._settings.defaultLens || null;
    const ticket = ++this._reviewTicket;
    try {
      const state = await fetchAnswers(panel.context.path, metadata, lens);
      if (ticket === this._reviewTicket && panel === this._notebook) {
        this._review = state.review;
        this._changed.emit();
      }
    } catch (error) {
      if (ticket === this._reviewTicket && panel === this._notebook) {
        this._reviewMessage = (error as Error).message;
        this._changed.emit();
      }
    }
  }

  private _connect(panel: NotebookPanel): void {
    panel.model?.contentChanged.connect(this._onContentChanged, this);
    panel.model?.metadataChanged.connect(this._onMetadataChanged, this);
    panel.disposed.connect(this._onDisposed, this);
    void panel.context.ready.then(() => {
      if (panel === this._notebook) {
        this._activeCell = panel.content.activeCellIndex;
        this._schedule(0);
        this._scheduleReview(0);
      }
    });
  }

  private _disconnect(): void {
    const panel = this._notebook;
    if (panel) {
      panel.model?.contentChanged.disconnect(this._onContentChanged, this);
      panel.model?.metadataChanged.disconnect(this._onMetadataChanged, this);
      panel.disposed.disconnect(this._onDisposed, this);
    }
    window.clearTimeout(this._timer);
    window.clearTimeout(this._reviewTimer);
  }

  private _onContentChanged(): void {
    this._schedule(this._settings.editDelay);
  }

  private _onMetadataChanged(_: unknown, change: { key: string }): void {
    if (change.key === NAMESPACE) {
      this._changed.emit();
      this._scheduleReview(this._settings.editDelay);
    }
  }

  private _onDisposed(): void {
    this.setNotebook(null);
  }

  private _schedule(delay: number): void {
    window.clearTimeout(this._timer);
    if (!this._visible) {
      this._stale = true;
      return;
    }
    this._stale = false;
    this._timer = window.setTimeout(() => void this._refresh(), delay);
  }

  private async _refresh(): Promise<void> {
    const panel = this._notebook;
    if (!panel?.model || !panel.context.isReady) {
      return;
    }
    const body = JSON.stringify(inferRequest(panel, this._activeCell, this._settings.defaultLens));
    if (body === this._lastBody) {
      return;
    }
    this._lastBody = body;
    const ticket = ++this._ticket;
    this._busy = true;
    this._changed.emit();
    try {
      const result = await fetchInference(body);
      const lens = await this._lensOf(result.lens);
      if (ticket === this._ticket && panel === this._notebook) {
        this._inference = result;
        this._lens = lens;
        this._error = null;
      }
    } catch (error) {
      if (ticket === this._ticket) {
        this._error = error as Error;
        this._lastBody = null;
      }
    } finally {
      if (ticket === this._ticket) {
        this._busy = false;
        this._changed.emit();
      }
    }
  }

  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _notebook: NotebookPanel | null = null;
  private _lens: ILens | null = null;
  private _lensOf = lensFetcher();
  private _inference: IInference | null = null;
  private _busy = false;
  private _error: Error | null = null;
  private _phaseChoice: PhaseChoice = 'current';
  private _filters: IFilters = { unansweredOnly: false, highRiskOnly: false };
  private _activeCell = 0;
  private _visible = false;
  private _stale = true;
  private _timer = 0;
  private _ticket = 0;
  private _lastBody: string | null = null;
  private _settings: ISettings = DEFAULT_SETTINGS;
  private _focused: string | null = null;
  private _focusRequest = 0;
  private _review: IReviewState | null = null;
  private _reviewMessage: string | null = null;
  private _reviewConflict = false;
  private _reviewTimer = 0;
  private _reviewTicket = 0;
}

/**
 * What the server needs to infer: each cell's type, source and own mllens tag, and the notebook's
 * language and mllens settings, never outputs nor answers (so answering does not re-infer).
 */
export function inferRequest(
  panel: NotebookPanel,
  activeCell: number,
  defaultLens = ''
): IInferRequest {
  const shared = panel.model!.sharedModel;
  const cells = shared.cells.map(cell => ({
    cell_type: cell.cell_type,
    source: cell.getSource(),
    metadata: pick(cell.getMetadata() as { [key: string]: any }, ['mllens', 'tags'])
  }));
  const metadata = pick(shared.getMetadata() as { [key: string]: any }, [
    'kernelspec',
    'language_info'
  ]);
  const namespace = asNamespace(shared.getMetadata(NAMESPACE));
  if (namespace) {
    const settings: { [key: string]: any } = { ...namespace };
    delete settings.answers;
    metadata[NAMESPACE] = settings;
  }
  const active = cells.length ? Math.min(Math.max(activeCell, 0), cells.length - 1) : null;
  return { cells, metadata, active_cell: active, lens: namespace?.lens || defaultLens || null };
}

function pick(source: { [key: string]: any }, keys: string[]): { [key: string]: any } {
  const picked: { [key: string]: any } = {};
  for (const key of keys) {
    if (source[key] !== undefined) {
      picked[key] = source[key];
    }
  }
  return picked;
}
