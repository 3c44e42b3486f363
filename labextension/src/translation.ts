/**
 * The translation bundle of the extension, shared by every component of the view.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { TRANSLATION_DOMAIN } from './labels';

export const Trans = React.createContext<TranslationBundle>(
  nullTranslator.load(TRANSLATION_DOMAIN)
);
