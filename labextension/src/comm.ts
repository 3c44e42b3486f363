/**
 * The frontend end of the `mllens` comm (protocol version 1), for every notebook's kernel.
 *
 * kernel -> frontend: {type: "hello", lens} on open; {type: "answer", request_id, practice, answer|null}.
 * frontend -> kernel: {type: "state", metadata, path} after hello and whenever `metadata.mllens`
 * changes from elsewhere; {type: "ack", request_id, ok, error?} after each answer.
 * The kernel cannot write the open notebook, so answers land here, through `model.setMetadata`.
 */
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { answerProblem, asNamespace, NAMESPACE, withAnswer } from './metadata';
import { IAnswer } from './types';

export const COMM_TARGET = 'mllens';
export const PROTOCOL_VERSION = 1;
const FALLBACK_LENS = 'aws-ml-lens';

type Message = { [key: string]: any };

interface IOpenComm {
  comm: Kernel.IComm;
  lens: string | null;
}

export class CommBridge implements IDisposable {
  constructor(tracker: INotebookTracker) {
    tracker.widgetAdded.connect((_, panel) => this.watch(panel));
    tracker.forEach(panel => this.watch(panel));
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The comms open for a notebook (for tests and diagnostics). */
  commsOf(panel: NotebookPanel): number {
    return this._comms.get(panel)?.length ?? 0;
  }

  /** Register the comm target for this notebook's kernel now, on kernel change and when ready. */
  watch(panel: NotebookPanel): void {
    if (this._comms.has(panel)) {
      return;
    }
    this._comms.set(panel, []);
    const register = () => this._register(panel);
    panel.sessionContext.kernelChanged.connect(register);
    void panel.sessionContext.ready.then(register);
    register();
    panel.model?.metadataChanged.connect((_, change) => {
      if (change.key === NAMESPACE) {
        this._pushState(panel);
      }
    });
    panel.disposed.connect(() => this._comms.delete(panel));
  }

  dispose(): void {
    this._isDisposed = true;
    this._comms.clear();
  }

  private _register(panel: NotebookPanel): void {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || this._isDisposed) {
      return;
    }
    kernel.registerCommTarget(COMM_TARGET, (comm, msg) => this._onOpen(panel, comm, msg));
    void this._reattach(panel, kernel);
  }

  /**
   * After a page reload the kernel's comms outlive the page that answered them: find them (as
   * ipywidgets finds its models) and answer on them from this page, which holds the notebook now.
   */
  private async _reattach(panel: NotebookPanel, kernel: Kernel.IKernelConnection): Promise<void> {
    let comms: { [id: string]: unknown } = {};
    try {
      const reply = await kernel.requestCommInfo({ target_name: COMM_TARGET });
      comms = reply.content.status === 'ok' ? reply.content.comms : {};
    } catch (error) {
      return;
    }
    for (const id of Object.keys(comms)) {
      if (!kernel.isDisposed && !kernel.hasComm(id) && this._comms.has(panel)) {
        this._adopt(panel, kernel.createComm(COMM_TARGET, id), null);
      }
    }
  }

  private _onOpen(panel: NotebookPanel, comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void {
    const data = (msg.content.data ?? {}) as Message;
    this._adopt(panel, comm, typeof data.lens === 'string' ? data.lens : null);
  }

  /** Answer on `comm` for this notebook from now on, starting with the notebook's state. */
  private _adopt(panel: NotebookPanel, comm: Kernel.IComm, lens: string | null): void {
    const open: IOpenComm = { comm, lens };
    const comms = this._comms.get(panel) ?? [];
    comms.push(open);
    this._comms.set(panel, comms);
    comm.onMsg = message => this._onMessage(panel, open, message.content.data as Message);
    comm.onClose = () => this._forget(panel, comm);
    this._send(comm, this._state(panel));
  }

  private _onMessage(panel: NotebookPanel, open: IOpenComm, data: Message): void {
    if (data?.type === 'hello') {
      open.lens = typeof data.lens === 'string' ? data.lens : open.lens;
      this._send(open.comm, this._state(panel));
    } else if (data?.type === 'answer') {
      const error = this._apply(panel, open, data);
      const ack: Message = {
        type: 'ack',
        version: PROTOCOL_VERSION,
        request_id: data.request_id ?? null,
        ok: !error
      };
      if (error) {
        ack.error = error;
      }
      this._send(open.comm, ack);
    }
  }

  /** Apply an answer from the kernel; the reason it cannot be, or null when it was. */
  private _apply(panel: NotebookPanel, open: IOpenComm, data: Message): string | null {
    if (data.version !== PROTOCOL_VERSION) {
      return `unsupported protocol version ${JSON.stringify(data.version)}; this frontend speaks ${PROTOCOL_VERSION}`;
    }
    const problem = answerProblem(data.practice, data.answer);
    const model = panel.model;
    if (problem || !model) {
      return problem ?? 'the notebook is not open any more';
    }
    const namespace = asNamespace(model.getMetadata(NAMESPACE));
    const lens = namespace?.lens || open.lens || FALLBACK_LENS;
    this._origin = open.comm;
    try {
      model.setMetadata(
        NAMESPACE,
        withAnswer(namespace, data.practice, data.answer as IAnswer | null, lens)
      );
      return null;
    } catch (error) {
      return `the answer could not be recorded: ${(error as Error).message}`;
    } finally {
      this._origin = null;
    }
  }

  private _pushState(panel: NotebookPanel): void {
    const state = this._state(panel);
    for (const { comm } of this._comms.get(panel) ?? []) {
      if (comm !== this._origin) {
        this._send(comm, state);
      }
    }
  }

  private _state(panel: NotebookPanel): Message {
    const metadata = panel.model?.getMetadata(NAMESPACE) ?? null;
    return { type: 'state', version: PROTOCOL_VERSION, metadata, path: panel.context.path };
  }

  private _send(comm: Kernel.IComm, data: Message): void {
    if (comm.isDisposed) {
      return;
    }
    try {
      comm.send(data);
    } catch (error) {
      console.warn('mllens: could not send to the kernel', error);
    }
  }

  private _forget(panel: NotebookPanel, comm: Kernel.IComm): void {
    const comms = this._comms.get(panel);
    if (comms) {
      this._comms.set(
        panel,
        comms.filter(open => open.comm !== comm)
      );
    }
  }

  private _comms = new Map<NotebookPanel, IOpenComm[]>();
  private _origin: Kernel.IComm | null = null;
  private _isDisposed = false;
}
