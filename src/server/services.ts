import path from 'node:path';
import fs from 'node:fs/promises';
import fp from 'fastify-plugin';
import type { Db } from '../db/connect.ts';
import { JobQueue } from './jobs.ts';
import { LocalBlobStore, type BlobStore } from '../storage/blobs.ts';
import { type MailConfig, type Mailer, smtpMailer } from '../mail/mailer.ts';
import type { SessionPolicy } from '../users/sessions.ts';

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
    /** Outgoing e-mail (reminders); null when no SMTP server is configured. */
    mailer: Mailer | null;
    /** How long sessions last unused and in all. */
    sessionPolicy: SessionPolicy;
  }
}

export interface ServicesOptions {
  db: Db;
  dataDir: string;
  mail: MailConfig | null;
  sessionPolicy: SessionPolicy;
}

/** The shared services every feature plugin uses, decorated once on the root instance. */
export const services = fp<ServicesOptions>(
  async (app, { db, dataDir, mail, sessionPolicy }) => {
    const tmpDir = path.join(dataDir, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const jobs = new JobQueue(db, app.log);
    app.decorate('db', db);
    app.decorate('dataDir', dataDir);
    app.decorate('tmpDir', tmpDir);
    app.decorate('jobs', jobs);
    app.decorate('blobs', new LocalBlobStore(path.join(dataDir, 'files')));
    const mailer = mail ? smtpMailer(mail) : null;
    app.decorate('mailer', mailer);
    app.addHook('onClose', async () => mailer?.close());
    app.decorate('sessionPolicy', sessionPolicy);
    // Feature plugins register their job kinds while the app is built; claiming starts once all are known.
    app.addHook('onReady', async () => jobs.start());
    app.addHook('onClose', () => jobs.close());
  },
  { name: 'services' },
);
