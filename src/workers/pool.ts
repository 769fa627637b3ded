import os from 'node:os';
import path from 'node:path';
import { type Transferable, Worker } from 'node:worker_threads';

/**
 * Worker threads running the tasks of one worker module (see `serveTasks`), one task per thread
 * at a time, queued when all are busy: CPU-heavy work (reading documents, the similarity
 * engine) off the event loop and on every core. Idle threads do not keep the process alive.
 */

/** What a worker thread posts back for a task. */
export type TaskMessage<Response, Progress> =
  | { id: number; progress: Progress }
  | { id: number; result: Response }
  | { id: number; error: string };

interface Task<Request, Response, Progress> {
  id: number;
  request: Request;
  transfer: Transferable[];
  onProgress?: (progress: Progress) => void;
  resolve: (response: Response) => void;
  reject: (err: Error) => void;
}

/** TypeScript sources (development, tests) start their threads through a JavaScript entry that registers tsx. */
const BOOT = import.meta.url.endsWith('.ts') ? new URL('./boot.mjs', import.meta.url) : null;

/** A worker module beside `base` (an `import.meta.url`), with base's extension: .ts in development, .js when built. */
export const siblingModule = (base: string, name: string): URL => new URL(`${name}${path.extname(new URL(base).pathname)}`, base);

export class WorkerPool<Request, Response, Progress = never> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Task<Request, Response, Progress>[] = [];
  private readonly running = new Map<Worker, Task<Request, Response, Progress>>();
  private nextId = 1;
  private closed = false;

  /**
   * `background`: the threads run at a lower CPU priority (on Linux a thread's nice value is its
   * own), so a server's event loop comes first when they compete for the cores.
   */
  constructor(
    private readonly module: URL,
    readonly size = Math.max(1, os.availableParallelism()),
    private readonly opts: { background?: boolean } = {},
  ) {}

  run(request: Request, opts: { transfer?: Transferable[]; onProgress?: (progress: Progress) => void } = {}): Promise<Response> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer: opts.transfer ?? [], onProgress: opts.onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; tasks still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('worker pool is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : null);
      if (!worker) return;
      const task = this.queue.shift() as Task<Request, Response, Progress>;
      this.running.set(worker, task);
      worker.ref();
      worker.postMessage({ id: task.id, request: task.request }, task.transfer);
    }
  }

  private spawn(): Worker {
    const workerData = { module: this.module.href, background: this.opts.background ?? false };
    const worker = BOOT ? new Worker(BOOT, { workerData }) : new Worker(this.module, { workerData });
    this.workers.push(worker);
    worker.on('message', (message: TaskMessage<Response, Progress>) => {
      const task = this.running.get(worker);
      if (!task || task.id !== message.id) return;
      if ('progress' in message) {
        task.onProgress?.(message.progress);
        return;
      }
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ('error' in message) task.reject(new Error(message.error));
      else task.resolve(message.result);
      this.dispatch();
    });
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`worker thread exited with code ${code}`)));
    return worker;
  }

  /** A thread that died fails its task and is replaced on demand. */
  private lost(worker: Worker, err: Error): void {
    const at = this.workers.indexOf(worker);
    if (at === -1) return;
    this.workers.splice(at, 1);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt !== -1) this.idle.splice(idleAt, 1);
    const task = this.running.get(worker);
    this.running.delete(worker);
    task?.reject(err);
    if (!this.closed) this.dispatch();
  }
}
