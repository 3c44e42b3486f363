/**
 * What the Settings Editor holds for the sidebar (schema/plugin.json), and the view it starts with.
 */
import { IFilters } from './checklist';
import { PhaseChoice } from './phases';

export interface ISettings {
  defaultLens: string;
  phase: PhaseChoice;
  unansweredOnly: boolean;
  highRiskOnly: boolean;
  editDelay: number;
  cellDelay: number;
  noteDelay: number;
}

export const DEFAULT_SETTINGS: ISettings = {
  defaultLens: '',
  phase: 'current',
  unansweredOnly: false,
  highRiskOnly: false,
  editDelay: 600,
  cellDelay: 120,
  noteDelay: 400
};

/** The phase shown and the filters the sidebar starts with. */
export function startingView(settings: ISettings): [PhaseChoice, IFilters] {
  return [
    settings.phase || 'current',
    { unansweredOnly: settings.unansweredOnly, highRiskOnly: settings.highRiskOnly }
  ];
}
