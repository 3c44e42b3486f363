/**
 * Calls to the mllens server extension (`/mllens/api/...`), authenticated like every Jupyter request.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IAnswersState, IInference, ILens, IReviewState, Status } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

async function requestAPI<T>(endpoint: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'mllens', 'api', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(0, `The Jupyter server cannot be reached: ${error}`);
  }
  const text = await response.text();
  const data = parseJSON(text);
  if (!response.ok) {
    const message = data?.message ?? (text || response.statusText);
    throw new ApiError(response.status, missingExtension(response.status, message));
  }
  return data as T;
}

function parseJSON(text: string): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function missingExtension(status: number, message: string): string {
  return status === 404 && !message.includes('lens')
    ? 'The mllens server extension is not enabled: run `jupyter server extension enable mllens_jupyter` and restart Jupyter.'
    : message;
}

export function fetchLens(id: string): Promise<ILens> {
  return requestAPI<ILens>(`lens/${encodeURIComponent(id)}`);
}

export interface IInferRequest {
  cells: { cell_type: string; source: string; metadata: { [key: string]: any } }[];
  metadata: { [key: string]: any };
  active_cell: number | null;
  lens: string | null;
}

export function fetchInference(body: string): Promise<IInference> {
  return requestAPI<IInference>('infer', { method: 'POST', body });
}

/** The answers that apply to an open notebook (its metadata as the editor holds it), with scope. */
export function fetchAnswers(
  path: string,
  metadata: { [key: string]: any },
  lens: string | null
): Promise<IAnswersState> {
  const body = JSON.stringify({ path, metadata, ...(lens ? { lens } : {}) });
  return requestAPI<IAnswersState>('answers', { method: 'POST', body });
}

/** A workload answer to record (status null removes it; no status only cites a cell). */
export interface IReviewWrite {
  path: string;
  practice: string;
  version: string;
  status?: Status | null;
  note?: string;
  reason?: string;
  owner?: string;
  due?: string;
  cite?: string;
  lens?: string;
}

/** Write the review file; an ApiError with status 409 when it changed since `version`. */
export function writeReview(write: IReviewWrite): Promise<IReviewState> {
  return requestAPI<IReviewState>('review', { method: 'PUT', body: JSON.stringify(write) });
}
