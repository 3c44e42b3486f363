/**
 * mllens-jupyter: the "ML Lens" sidebar (JupyterLab and Notebook 7), its commands and settings,
 * and the `mllens` comm target.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommBridge } from './comm';
import { addCommands, addToPalette, CommandIDs } from './commands';
import { TRANSLATION_DOMAIN } from './labels';
import { LensModel } from './model';
import { ISettings } from './settings';
import { LensSidebar } from './view';

export const PLUGIN_ID = 'mllens-jupyter:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'The AWS Well-Architected ML Lens next to the notebook: phase, practices and answers.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry, ITranslator, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    labShell: ILabShell | null
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    new CommBridge(tracker);
    const model = new LensModel();
    const sidebar = new LensSidebar(model, trans);
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

    addCommands({ app, model, sidebar, trans });
    const refresh = () =>
      Object.values(CommandIDs).forEach(id => app.commands.notifyCommandChanged(id));
    sidebar.visibilityChanged.connect(refresh);
    model.changed.connect(refresh);
    // Notebook 7 lists every side panel in its palette ("Show ML Lens") already.
    if (palette) {
      addToPalette(palette, labShell !== null);
    }
    if (settingRegistry) {
      void loadSettings(settingRegistry, model);
    }
  }
};

async function loadSettings(registry: ISettingRegistry, model: LensModel): Promise<void> {
  try {
    const settings = await registry.load(PLUGIN_ID);
    const apply = () => model.configure(settings.composite as unknown as ISettings);
    settings.changed.connect(apply);
    apply();
  } catch (error) {
    console.warn('mllens: the ML Lens settings could not be loaded; the defaults apply', error);
  }
}

export default plugin;
