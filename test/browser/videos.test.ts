import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contestCategories, createContest } from '../../src/contests/index.ts';
import { nowIso } from '../../src/db/connect.ts';
import { createUser } from '../../src/users/accounts.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

/** An expert in a blind review watches the entry's 数字故事 and jumps to its middle. */
const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const STORY = fs.readFileSync('test/fixtures/media/digital-story.mp4');
const AUTHOR = '欧阳明月';
const EXPERT_PASSWORD = 'Expert-pass-2024';

describe.skipIf(skipBrowserTests)('browser: an expert plays and seeks the 数字故事 of a blind review', () => {
  let h: Harness;
  let assignmentId = 0;

  beforeAll(async () => {
    h = await startHarness({
      name: 'videos',
      beforeListen: async (app, db) => {
        const expertId = await createUser(
          db,
          { username: 'judge', displayName: '王评审', role: 'expert', password: EXPERT_PASSWORD, mustChangePassword: false },
          null,
        );
        const contestId = await createContest(db, { rulesYaml: fs.readFileSync(RULES, 'utf8'), rulesSource: 'fujian.yaml', userId: null });
        const category = (await contestCategories(db, contestId)).find((c) => c.key === 'innovative-scenarios');
        if (!category) throw new Error('category missing');
        const now = nowIso();
        const { id: entryId } = await db
          .insertInto('entries')
          .values({
            contest_id: contestId,
            category_id: category.id,
            code: 'FJ-0001',
            title: '平台助学新场景',
            group_name: '区域应用案例',
            status: 'submitted',
            source_path: `${AUTHOR}/创新场景应用/平台助学新场景`,
            category_label: null,
            batch_id: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('authors')
          .values({
            entry_id: entryId,
            position: 1,
            name: AUTHOR,
            unit: '城关第一小学',
            county: null,
            title: null,
            phone: null,
            role: null,
          })
          .execute();
        const story = await app.blobs.put(STORY);
        await db
          .insertInto('files')
          .values({
            entry_id: entryId,
            original_path: `${AUTHOR}的数字故事.mp4`,
            name: `${AUTHOR}的数字故事.mp4`,
            kind: '数字故事',
            ext: 'mp4',
            size: story.size,
            sha256: story.sha256,
            mime: 'video/mp4',
            text: null,
            html: null,
            error: null,
            created_at: now,
          })
          .execute();
        ({ id: assignmentId } = await db
          .insertInto('assignments')
          .values({ contest_id: contestId, entry_id: entryId, expert_id: expertId, status: 'active', reason: null, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow());
      },
    });
  });
  afterAll(() => h?.close());

  it('plays the video, seeks to its middle, and the server answers the range requests with 206', async () => {
    const { page } = h;
    const videoResponses: { status: number; url: string }[] = [];
    page.on('response', (r) => {
      if (/\/reviews\/\d+\/files\/\d+$/.test(r.url())) videoResponses.push({ status: r.status(), url: r.url() });
    });
    await h.login('judge', EXPERT_PASSWORD);
    await page.goto(`${h.base}/reviews/${assignmentId}`);
    const video = page.locator('figure.video video');
    await video.waitFor();
    expect(await page.locator('figure.video figcaption').textContent()).toContain('数字故事.mp4');
    expect(await page.content()).not.toContain(AUTHOR);

    const played = await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
      await new Promise((resolve) => setTimeout(resolve, 500));
      v.pause();
      const middle = v.duration / 2;
      const seeked = new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
      v.currentTime = middle;
      await seeked;
      return { duration: v.duration, middle, currentTime: v.currentTime, readyState: v.readyState, error: v.error?.code ?? null };
    });
    expect(played.error).toBeNull();
    expect(played.duration).toBeCloseTo(8, 0);
    expect(played.currentTime).toBeCloseTo(played.middle, 1);
    expect(played.readyState).toBeGreaterThanOrEqual(2);
    await h.shot('review-video');

    expect(videoResponses.length).toBeGreaterThan(0);
    expect(videoResponses.every((r) => r.status === 206)).toBe(true);
    for (const r of videoResponses) expect(decodeURIComponent(r.url)).not.toContain(AUTHOR);
    expect(h.problems).toEqual([]);
  });
});
