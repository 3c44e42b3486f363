/**
 * The words the sidebar shows for the lens's fixed vocabularies, through the translator.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { Reason, RiskLevel, Status } from './types';

export const TRANSLATION_DOMAIN = 'mllens_jupyter';

export function statusLabel(trans: TranslationBundle, status: Status): string {
  switch (status) {
    case 'done':
      return trans.__('Done');
    case 'partial':
      return trans.__('Partial');
    case 'todo':
      return trans.__('To do');
    case 'not_applicable':
      return trans.__('Not applicable');
    default:
      return String(status);
  }
}

export function reasonLabel(trans: TranslationBundle, reason: Reason): string {
  switch (reason) {
    case 'out_of_scope':
      return trans.__('Out of scope');
    case 'business_priorities':
      return trans.__('Business priorities');
    case 'architecture_constraints':
      return trans.__('Architecture constraints');
    default:
      return trans.__('Other');
  }
}

export function riskLabel(trans: TranslationBundle, risk: RiskLevel): string {
  return risk === 'high' ? trans.__('High risk') : trans.__('Medium risk');
}
