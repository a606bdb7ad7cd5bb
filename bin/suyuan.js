#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=4
// The one launcher (npm start runs it too). The heap flags keep a server capturing a streamed 64 MB document under
// 300 MB resident (bench/README.md), and leave room for a 100,000-unit recall's view and exports (160 MB did not);
// raise them for bigger jobs: node --max-old-space-size=1024 bin/suyuan.js …
// It runs the TypeScript CLI through tsx, so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
