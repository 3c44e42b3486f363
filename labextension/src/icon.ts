import { LabIcon } from '@jupyterlab/ui-components';

const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M10 2a8 8 0 0 1 6.32 12.9l5.39 5.39-1.42 1.42-5.39-5.39A8 8 0 1 1 10 2zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12z"/>
    <path d="M6.5 11.2l1.4-1.4 1.6 1.6 3.6-3.6 1.4 1.4-5 5z"/>
  </g>
</svg>`;

export const lensIcon = new LabIcon({ name: 'mllens-jupyter:lens', svgstr });
