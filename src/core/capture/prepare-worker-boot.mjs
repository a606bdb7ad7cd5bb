// Worker entry: Node 20 does not apply the parent's TypeScript loader to a worker's entry, so register tsx here.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
