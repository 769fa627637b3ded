import os from 'node:os';
import { parentPort, type Transferable, workerData } from 'node:worker_threads';
import type { TaskMessage } from './pool.ts';

/** A task's result and the buffers to move (not copy) back to the main thread. */
export interface TaskResult<Response> {
  result: Response;
  transfer?: Transferable[];
}

/** Serves a worker module's tasks (in a thread started by `WorkerPool`), one at a time. */
export function serveTasks<Request, Response, Progress = never>(
  handle: (request: Request, progress: (p: Progress) => void) => Promise<TaskResult<Response>> | TaskResult<Response>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread');
  if (workerData?.background) {
    try {
      os.setPriority(10); // this thread only, on Linux
    } catch {
      // not permitted here: the thread keeps the process's priority
    }
  }
  port.on('message', async ({ id, request }: { id: number; request: Request }) => {
    const post = (message: TaskMessage<Response, Progress>, transfer: Transferable[] = []) => port.postMessage(message, transfer);
    try {
      const { result, transfer } = await handle(request, (progress) => post({ id, progress }));
      post({ id, result }, transfer);
    } catch (err) {
      post({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
