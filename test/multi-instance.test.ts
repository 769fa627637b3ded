import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { createContest } from '../src/contests/index.ts';
import { importPath } from '../src/ingest/import.ts';
import { createUser } from '../src/users/accounts.ts';
import { runContestScan } from '../src/similarity/store/scan.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { ACCURACY_SPEC, plantCorpus, writePlantedCorpus } from '../scripts/lib/plantedCorpus.ts';
import { createTestPgDatabase } from './helpers/db.ts';
import { Browser, csrf, type Instance, serve, until } from './helpers/instance.ts';

/**
 * Issue 7's done-when: two real `casejury serve` processes on one PostgreSQL database, sharing
 * the data folder and the session key. A scan queued through one is run by one of them; that
 * process is killed with SIGKILL; the other finishes the scan with the results an uninterrupted
 * scan stores. A session made on one instance works on the other.
 */

const pgAdmin = process.env.CASEJURY_TEST_PG;
if (!pgAdmin)
  console.warn('multi-instance.test.ts: CASEJURY_TEST_PG is not set, so the two-instance PostgreSQL test is skipped (CI sets it)');

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
const PASSWORD = 'Pass-word-2024';
/** Long enough that a live instance busy comparing (the event loop blocked) is never taken for dead. */
const STALE_SECONDS = 10;

/** Everything a scan stores for its run, without the ids that differ from run to run. */
async function storedResults(db: Db, runId: number) {
  const rows = async (table: 'similarity_reports' | 'similarity_pairs' | 'similarity_common') =>
    (await db.selectFrom(table).selectAll().where('run_id', '=', runId).execute())
      .map(({ id: _id, run_id: _run, ...rest }) => JSON.stringify(rest))
      .sort();
  const run = await db
    .selectFrom('similarity_runs')
    .select(['status', 'documents', 'library_documents', 'flagged', 'suspects', 'settings_signature', 'corpus_signature'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  return { run, reports: await rows('similarity_reports'), pairs: await rows('similarity_pairs'), common: await rows('similarity_common') };
}

describe.skipIf(!pgAdmin)('two app instances on one PostgreSQL database (needs CASEJURY_TEST_PG)', () => {
  let work: string;
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  let contestId: number;
  let reference: Awaited<ReturnType<typeof storedResults>>;
  let instances: Instance[] = [];
  const browser = new Browser();
  const previousData = process.env.CASEJURY_DATA;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-instances-'));
    const shared = path.join(work, 'data');
    process.env.CASEJURY_DATA = shared;
    database = await createTestPgDatabase();
    db = await openMigratedDb(database.url);
    const organizer = await createUser(
      db,
      { username: 'organizer', displayName: '组织者', role: 'organizer', password: PASSWORD, mustChangePassword: false },
      null,
    );
    contestId = await createContest(db, {
      rulesYaml: fs.readFileSync(RULES, 'utf8'),
      rulesSource: path.basename(RULES),
      userId: organizer,
    });
    // Long documents, so the scan runs long enough to be killed in the middle.
    const corpus = plantCorpus({ ...ACCURACY_SPEC, seed: 7, entries: 400, library: 0, thresholdMargin: 0, sentences: [400, 600] });
    await writePlantedCorpus(corpus, path.join(work, 'entries'), path.join(work, 'library'), path.join(work, 'template.txt'));
    const imported = await importPath(db, contestId, path.join(work, 'entries'), { blobs: new LocalBlobStore(path.join(shared, 'files')) });
    expect(imported.imported).toBe(400);
    // What an uninterrupted scan stores.
    reference = await storedResults(db, (await runContestScan(db, contestId, { userId: null })).runId);
    expect(reference.reports).toHaveLength(400);
    expect(reference.run.flagged).toBeGreaterThan(0);
    expect(reference.pairs.length).toBeGreaterThan(0);

    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      CASEJURY_DATA: shared,
      CASEJURY_SESSION_KEY: crypto.randomBytes(32).toString('hex'),
      CASEJURY_JOB_STALE_SECONDS: String(STALE_SECONDS),
      LOG_LEVEL: 'error',
    };
    instances = await Promise.all([serve(env), serve(env)]);
  }, 180_000);

  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await db?.destroy();
    await database?.drop();
    if (previousData === undefined) delete process.env.CASEJURY_DATA;
    else process.env.CASEJURY_DATA = previousData;
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('keeps a session made on one instance valid on the other, CSRF token included', async () => {
    const [a, b] = instances;
    const login = await browser.fetch(`${a.url}/login`);
    const signedIn = await browser.fetch(`${a.url}/login`, {
      method: 'POST',
      form: { username: 'organizer', password: PASSWORD, _csrf: csrf(login.body), next: '/' },
    });
    expect(signedIn.status).toBe(303);
    const page = await browser.fetch(`${b.url}/contests/${contestId}/similarity`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('查重');
    expect(page.body).toContain('<span class="who">组织者');
    // A form from one instance is accepted by the other.
    const form = await browser.fetch(`${a.url}/password`);
    const refused = await browser.fetch(`${b.url}/password`, {
      method: 'POST',
      form: { _csrf: 'forged', current: PASSWORD, password: 'x', confirm: 'x' },
    });
    expect(refused.status).toBe(403);
    const accepted = await browser.fetch(`${b.url}/password`, {
      method: 'POST',
      form: { _csrf: csrf(form.body), current: PASSWORD, password: 'x', confirm: 'x' },
    });
    // Passed the CSRF check; refused only for the too-short new password.
    expect(accepted.status).toBe(422);
  });

  it('finishes a scan on the other instance when the one running it is killed, with the results of an uninterrupted scan', async () => {
    const [a, b] = instances;
    const page = await browser.fetch(`${a.url}/contests/${contestId}/similarity`);
    const queued = await browser.fetch(`${b.url}/contests/${contestId}/similarity/scan`, {
      method: 'POST',
      form: { _csrf: csrf(page.body) },
    });
    expect(queued.status).toBe(303);
    const jobUrl = queued.location!;
    const jobId = Number(/\/jobs\/(\d+)$/.exec(jobUrl)![1]);

    const job = () => db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    const claimed = await until(
      'an instance to claim the scan',
      async () => {
        const row = await job();
        return row.status === 'running' && row.locked_by ? row : null;
      },
      30_000,
    );
    const pid = Number(claimed.locked_by!.split(':')[1]);
    const running = instances.find((i) => i.child.pid === pid)!;
    const survivor = instances.find((i) => i !== running)!;
    expect(running).toBeDefined();
    running.child.kill('SIGKILL');
    await running.exited;
    expect((await job()).status).toBe('running');

    // The survivor's pages show the job in progress, then take it over once its heartbeat is stale.
    const progress = await browser.fetch(`${survivor.url}${jobUrl}`);
    expect(progress.status).toBe(200);
    expect(progress.body).toContain('<progress');
    const done = await until(
      'the survivor to finish the scan',
      async () => {
        const row = await job();
        return row.status === 'done' || row.status === 'failed' ? row : null;
      },
      (STALE_SECONDS + 90) * 1000,
    );
    expect(done).toMatchObject({ status: 'done', attempts: 2, progress: 1 });
    expect(done.locked_by!.split(':')[1]).toBe(String(survivor.child.pid));
    const { runId } = JSON.parse(done.result_json!) as { runId: number };
    expect(await storedResults(db, runId)).toEqual(reference);

    const finished = await browser.fetch(`${survivor.url}${jobUrl}`);
    expect(finished.status).toBe(303);
    expect(finished.location).toBe(`/contests/${contestId}/similarity`);
  }, 180_000);
});
