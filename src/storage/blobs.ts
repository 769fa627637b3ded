import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { dataDir } from '../config.ts';

export interface StoredBlob {
  sha256: string;
  size: number;
}

/**
 * Content-addressed file store. Submissions are kept by SHA-256 so the same file imported
 * twice is stored once. An interface so a shared network folder or object store can replace
 * local disk without touching the importer.
 */
export interface BlobStore {
  put(data: Buffer): Promise<StoredBlob>;
  /** Streams a file from disk into the store, for videos too large to hold in memory. */
  putFile(filePath: string): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  read(sha256: string): Promise<Buffer>;
  /** Local path of a stored blob (for streaming downloads). */
  path(sha256: string): string;
}

export const sha256Of = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex');

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Blobs at `<root>/ab/cd/<sha256>`; two directory levels keep folders small with 100k+ files. */
export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  path(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`无效的文件摘要：${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fsp.access(this.path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async put(data: Buffer): Promise<StoredBlob> {
    const sha256 = sha256Of(data);
    if (!(await this.has(sha256))) {
      const tmp = await this.tempName();
      try {
        await fsp.writeFile(tmp, data);
        await this.moveIntoPlace(tmp, sha256);
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    }
    return { sha256, size: data.length };
  }

  async putFile(filePath: string): Promise<StoredBlob> {
    // Copy to a temp name while hashing, then move into place once the name is known.
    const tmp = await this.tempName();
    const hash = crypto.createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        fs.createReadStream(filePath),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(tmp),
      );
      const sha256 = hash.digest('hex');
      if (await this.has(sha256)) await fsp.rm(tmp, { force: true });
      else await this.moveIntoPlace(tmp, sha256);
      return { sha256, size };
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  read(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.path(sha256));
  }

  /** Temp files live in the store's root so the final rename never crosses file systems. */
  private async tempName(): Promise<string> {
    await fsp.mkdir(this.root, { recursive: true });
    return path.join(this.root, `.tmp-${process.pid}-${crypto.randomUUID()}`);
  }

  /** Readers never see half a blob: it appears under its name only once complete. */
  private async moveIntoPlace(tmp: string, sha256: string): Promise<void> {
    const final = this.path(sha256);
    await fsp.mkdir(path.dirname(final), { recursive: true });
    await fsp.rename(tmp, final);
  }
}

/** The store under the data folder: `dataDir()/files`. */
export const defaultBlobStore = (): BlobStore => new LocalBlobStore(path.join(dataDir(), 'files'));

export const blobPath = (sha256: string): string => defaultBlobStore().path(sha256);
export const readBlob = (sha256: string): Promise<Buffer> => defaultBlobStore().read(sha256);
