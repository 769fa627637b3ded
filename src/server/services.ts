import path from 'node:path';
import fs from 'node:fs/promises';
import fp from 'fastify-plugin';
import type { Db } from '../db/connect.ts';
import { JobQueue } from './jobs.ts';
import { LocalBlobStore, type BlobStore } from '../storage/blobs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** Runtime data folder (database, stored files, uploads in progress under tmp/). */
    dataDir: string;
    /** Where uploads are streamed before an import picks them up. */
    tmpDir: string;
    /** Background jobs, shared with every instance on the same database. */
    jobs: JobQueue;
    /** Stored submission files (content-addressed, under dataDir/files). */
    blobs: BlobStore;
  }
}

export interface ServicesOptions {
  db: Db;
  dataDir: string;
}

/** The shared services every feature plugin uses, decorated once on the root instance. */
export const services = fp<ServicesOptions>(
  async (app, { db, dataDir }) => {
    const tmpDir = path.join(dataDir, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const jobs = new JobQueue(db, app.log);
    app.decorate('db', db);
    app.decorate('dataDir', dataDir);
    app.decorate('tmpDir', tmpDir);
    app.decorate('jobs', jobs);
    app.decorate('blobs', new LocalBlobStore(path.join(dataDir, 'files')));
    // Feature plugins register their job kinds while the app is built; claiming starts once all are known.
    app.addHook('onReady', async () => jobs.start());
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'services' },
);
