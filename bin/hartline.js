#!/usr/bin/env node
// Command-line entry point: runs the bundled CLI in dist/cli.js.
require('../dist/cli.js');
