// Entry of worker threads when running the TypeScript sources (development and tests): registers
// tsx, then loads the worker module named in workerData. Built JavaScript starts its workers directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
