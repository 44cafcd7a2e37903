// The entry of a fuzz worker thread. A worker is a fresh Node.js instance that knows nothing of TypeScript,
// so it registers tsx first (as bin/netstep.js does for the command line) and then loads the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
