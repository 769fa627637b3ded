// Entry of every worker thread: loads the worker module named in workerData, registering tsx
// first when it is TypeScript (development and tests); built JavaScript loads as it is.
import { workerData } from 'node:worker_threads';

if (workerData.module.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(workerData.module);
