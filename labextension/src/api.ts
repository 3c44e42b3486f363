/**
 * Calls to the mllens server extension (`/mllens/api/...`), authenticated like every Jupyter request.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IAnswersState, IInference, ILens, IReviewState, Status } from './types';

/** Why a request failed: the server unreachable, the server extension missing, or the server's answer. */
export type ApiProblem = 'unreachable' | 'no_extension' | 'server';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem: ApiProblem = 'server'
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
    throw new ApiError(0, String(error), 'unreachable');
  }
  const text = await response.text();
  const data = parseJSON(text);
  if (!response.ok) {
    const message = data?.message ?? (text || response.statusText);
    const missing = response.status === 404 && !message.includes('lens');
    throw new ApiError(response.status, message, missing ? 'no_extension' : 'server');
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

export function fetchLens(id: string): Promise<ILens> {
  return requestAPI<ILens>(`lens/${encodeURIComponent(id)}`);
}

/** `fetchLens` asking the server once per lens id (again after a failure). */
export function lensFetcher(): (id: string) => Promise<ILens> {
  const lenses = new Map<string, Promise<ILens>>();
  return id => {
    let found = lenses.get(id);
    if (!found) {
      found = fetchLens(id);
      lenses.set(id, found);
      found.catch(() => lenses.delete(id));
    }
    return found;
  };
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
