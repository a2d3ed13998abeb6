#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `prepare` on install).
import { setFlagsFromString } from 'node:v8';

// A command runs for seconds, most of them waiting on the cloud: V8's optimising compiler (TurboFan) spends more CPU
// compiling in the background than its code saves in that time (validate of 10,000 documents: 1.0 → 0.8 s of CPU at
// the same wall; an apply of 1,000 creates: ~0.6 ms less per create; bench/). The emulator is a long-running server
// and keeps it. Set before the CLI's modules load, so that no function is compiled under the other setting.
if (process.argv[2] !== 'emulator') setFlagsFromString('--no-opt');

const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
