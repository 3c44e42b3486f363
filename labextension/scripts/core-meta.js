// The core path that `build-labextension` needs: JupyterLab's own package.json, which
// @jupyterlab/core-meta ships as core.package.json. Lets the build run without JupyterLab installed.
const fs = require('fs');
const path = require('path');

const source = require.resolve('@jupyterlab/core-meta/core.package.json');
const target = path.join(__dirname, '..', '.core-meta');
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(source, path.join(target, 'package.json'));
