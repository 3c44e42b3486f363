/**
 * mllens-jupyter: the "ML Lens" sidebar (JupyterLab and Notebook 7) and the `mllens` comm target.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';

import { CommBridge } from './comm';
import { LensModel } from './model';
import { LensSidebar } from './view';

const COMMAND_SHOW = 'mllens:show-sidebar';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'mllens-jupyter:plugin',
  description: 'The AWS Well-Architected ML Lens next to the notebook: phase, practices and answers.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ) => {
    new CommBridge(tracker);
    const model = new LensModel();
    const sidebar = new LensSidebar(model);
    app.shell.add(sidebar, 'right', { rank: 700 });
    restorer?.add(sidebar, sidebar.id);

    const follow = () => {
      const panel = tracker.currentWidget;
      model.setNotebook(panel);
      if (panel) {
        model.setActiveCell(panel.content.activeCellIndex);
      }
    };
    tracker.currentChanged.connect(follow);
    tracker.activeCellChanged.connect(follow);
    follow();

    app.commands.addCommand(COMMAND_SHOW, {
      label: 'Show the ML Lens sidebar',
      execute: () => app.shell.activateById(sidebar.id)
    });
    palette?.addItem({ command: COMMAND_SHOW, category: 'ML Lens' });
  }
};

export default plugin;
