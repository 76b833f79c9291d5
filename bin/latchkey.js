#!/usr/bin/env node
// The compiled command (`npm run build`, which `npm ci` runs through `prepare`): no TypeScript at run time.
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs; on Node 20 this is absent and nothing changes.
module.enableCompileCache?.();
await import('../dist/cli/entry.js');
