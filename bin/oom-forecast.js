#!/usr/bin/env node
// Runs the bundled CLI. `npm ci` and `npm run build` create dist/cli.js from bin/cli.ts.
const path = require('node:path');
const fs = require('node:fs');

const bundlePath = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundlePath)) {
  process.stderr.write(`oom-forecast: ${bundlePath} is missing; run "npm run build" in ${path.dirname(__dirname)}\n`);
  process.exit(1);
}
require(bundlePath);
