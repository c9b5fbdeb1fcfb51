#!/usr/bin/env node
'use strict';
// The runner on its own: `nbconvert-ts-runner NOTEBOOK ...` is `digit-lab run NOTEBOOK ...`.
require('../dist/lib/cli/main.js').main([process.argv[0], process.argv[1], 'run', ...process.argv.slice(2)], 'nbconvert-ts-runner');
