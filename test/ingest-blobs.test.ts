import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore, sha256Of } from '../src/storage/blobs.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-blobs-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe('LocalBlobStore', () => {
  it('stores content under its SHA-256 in two folder levels, once', async () => {
    const store = new LocalBlobStore(path.join(tmp, 'files'));
    const data = Buffer.from('案例介绍正文');
    const first = await store.put(data);
    const second = await store.put(data);
    expect(first).toEqual({ sha256: sha256Of(data), size: data.length });
    expect(second).toEqual(first);
    const { sha256 } = first;
    expect(store.path(sha256)).toBe(path.join(tmp, 'files', sha256.slice(0, 2), sha256.slice(2, 4), sha256));
    expect(await store.read(sha256)).toEqual(data);
    // No temp files are left behind.
    expect((await fs.readdir(path.join(tmp, 'files'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('streams a file into the store with the same address as its bytes', async () => {
    const store = new LocalBlobStore(path.join(tmp, 'files'));
    const source = path.join(tmp, 'video.mp4');
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    await fs.writeFile(source, data);
    const streamed = await store.putFile(source);
    expect(streamed).toEqual({ sha256: sha256Of(data), size: data.length });
    expect(await store.has(streamed.sha256)).toBe(true);
    expect(await store.putFile(source)).toEqual(streamed);
    expect((await fs.readdir(path.join(tmp, 'files'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('refuses a name that is not a SHA-256', () => {
    const store = new LocalBlobStore(path.join(tmp, 'files'));
    expect(() => store.path('../../etc/passwd')).toThrow('无效的文件摘要');
  });
});
