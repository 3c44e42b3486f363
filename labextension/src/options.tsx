/**
 * The options of the status and reason selects, one list for every form that asks for them (the
 * notebook's answer and the workload's).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { reasonLabel, statusLabel } from './labels';
import { REASONS, STATUSES } from './metadata';

export function StatusOptions({ trans }: { trans: TranslationBundle }): JSX.Element {
  return (
    <>
      {STATUSES.map(s => (
        <option key={s} value={s}>
          {statusLabel(trans, s)}
        </option>
      ))}
    </>
  );
}

export function ReasonOptions({ trans }: { trans: TranslationBundle }): JSX.Element {
  return (
    <>
      {REASONS.map(r => (
        <option key={r} value={r}>
          {reasonLabel(trans, r)}
        </option>
      ))}
    </>
  );
}
