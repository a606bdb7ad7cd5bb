#!/usr/bin/env -S node --max-old-space-size=160 --max-semi-space-size=4
// The one launcher (npm start runs it too). The heap flags keep a server capturing a streamed 64 MB document under
// 300 MB resident (bench/README.md); raise them for big jobs: node --max-old-space-size=1024 bin/suyuan.js …
// It runs the TypeScript CLI through tsx, so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
