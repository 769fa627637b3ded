import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/users/accounts.ts';
import { STORY_AUTHOR as AUTHOR, seedVideoEntry } from '../helpers/video-entry.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

/** An expert in a blind review watches the entry's 数字故事 and jumps to its middle. */
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
        ({ assignmentId } = await seedVideoEntry(db, app.blobs, { expertId, organizerId: null }));
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
