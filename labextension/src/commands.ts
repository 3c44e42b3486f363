/**
 * Every command of the extension, by id, and what each does; labels go through the translator.
 * Menus and default keyboard shortcuts are declared with the settings (schema/plugin.json).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { nextUnanswered } from './checklist';
import { lensIcon } from './icon';
import { LensModel } from './model';
import { statusLabel } from './labels';
import { STATUSES, withStatus } from './metadata';
import { Status } from './types';

export namespace CommandIDs {
  export const toggleSidebar = 'mllens:toggle-sidebar';
  export const nextUnanswered = 'mllens:next-unanswered';
  export const setStatus = 'mllens:set-status';
  export const citeCell = 'mllens:cite-cell';
}

export const PALETTE_CATEGORY = 'ML Lens';

export interface ICommandContext {
  app: JupyterFrontEnd;
  model: LensModel;
  sidebar: Widget;
  trans: TranslationBundle;
}

export function addCommands({ app, model, sidebar, trans }: ICommandContext): void {
  const show = () => {
    app.shell.activateById(sidebar.id);
  };
  app.commands.addCommand(CommandIDs.toggleSidebar, {
    label: () => (sidebar.isVisible ? trans.__('Hide ML Lens') : trans.__('Show ML Lens')),
    caption: trans.__('Show or hide the ML Lens sidebar'),
    icon: lensIcon,
    isToggled: () => sidebar.isVisible,
    execute: () => {
      const shell = app.shell as { collapseRight?: () => void };
      if (!sidebar.isVisible) {
        show();
      } else if (shell.collapseRight) {
        shell.collapseRight();
      } else {
        sidebar.hide();
      }
    }
  });
  app.commands.addCommand(CommandIDs.nextUnanswered, {
    label: trans.__('ML Lens: Next Unanswered Practice'),
    caption: trans.__('Move to the next practice of the sidebar that has no answer yet'),
    isEnabled: () => model.notebook !== null,
    execute: () => {
      show();
      const next = nextUnanswered(model.sections, model.focused);
      if (next) {
        model.focus(next, true);
      }
      return next;
    }
  });
  app.commands.addCommand(CommandIDs.setStatus, {
    label: args =>
      trans.__('ML Lens: Mark the Focused Practice %1', statusLabel(trans, args.status as Status)),
    caption: trans.__('Set the status of the practice focused in the ML Lens sidebar'),
    isEnabled: args => model.focused !== null && STATUSES.includes(args.status as Status),
    execute: args => {
      const id = model.focused;
      if (id) {
        model.setAnswer(id, withStatus(model.answers[id], args.status as Status));
      }
    }
  });
  app.commands.addCommand(CommandIDs.citeCell, {
    label: trans.__('ML Lens: Cite the Active Cell for the Focused Practice'),
    caption: trans.__(
      "Add the active cell as evidence of the workload's answer to the practice focused in the sidebar"
    ),
    isEnabled: () => model.focused !== null && !!model.workloadAnswer(model.focused),
    execute: () => (model.focused ? model.citeActiveCell(model.focused) : false)
  });
}

export function addToPalette(palette: ICommandPalette, withToggle: boolean): void {
  const category = PALETTE_CATEGORY;
  if (withToggle) {
    palette.addItem({ command: CommandIDs.toggleSidebar, category });
  }
  palette.addItem({ command: CommandIDs.nextUnanswered, category });
  for (const status of STATUSES) {
    palette.addItem({ command: CommandIDs.setStatus, args: { status }, category });
  }
  palette.addItem({ command: CommandIDs.citeCell, category });
}
