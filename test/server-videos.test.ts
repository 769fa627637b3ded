import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGITAL_STORY, STORY_AUTHOR, seedVideoEntry } from './helpers/video-entry.ts';
import { Client, startTestServer, type TestServer } from './server-helpers.ts';

/**
 * Every video of an entry plays for the experts who score it, whatever the rule set calls the
 * material (here the 数字故事 of the 福建 notice), blind, with seeking by range requests.
 */
const STORY = DIGITAL_STORY;
const AUTHOR = STORY_AUTHOR;

let server: TestServer;
let contestId: number;
let entryId: number;
let assignmentId: number;
let storyId: number;
let expert: Client;
let organizer: Client;

beforeAll(async () => {
  server = await startTestServer();
  ({ contestId, entryId, storyId, assignmentId } = await seedVideoEntry(server.db, server.app.blobs, {
    expertId: server.users.expert,
    organizerId: server.users.organizer,
  }));
  expert = new Client(server.app);
  await expert.login('expert');
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(() => server?.close());

describe('videos on the review page', () => {
  it('plays the 数字故事 in the blind review page, with its measured duration and picture beside the limits', async () => {
    const page = await expert.get(`/reviews/${assignmentId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<video controls preload="metadata" src="/reviews/${assignmentId}/files/${storyId}"></video>`);
    expect(page.body).toContain('实测：时长 8 秒，320×180，10 帧/秒；要求：时长不超过 10 分钟，分辨率 1920×1080，画面比例 16:9');
    expect(page.body).toContain('数字故事.mp4');
    expect(page.body).not.toContain(AUTHOR);
  });

  it('answers a range request with 206 and only those bytes, under a name that does not give the author away', async () => {
    const url = `/reviews/${assignmentId}/files/${storyId}`;
    const middle = Math.floor(STORY.length / 2);
    const part = await expert.request({ method: 'GET', url, headers: { range: `bytes=${middle}-${middle + 999}` } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes ${middle}-${middle + 999}/${STORY.length}`);
    expect(Number(part.headers['content-length'])).toBe(1000);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(decodeURIComponent(String(part.headers['content-disposition']))).toContain('FJ-0001-数字故事.mp4');
    expect(decodeURIComponent(String(part.headers['content-disposition']))).not.toContain(AUTHOR);

    const whole = await expert.request({ method: 'GET', url });
    expect(whole.statusCode).toBe(200);
    expect(Number(whole.headers['content-length'])).toBe(STORY.length);
    const past = await expert.request({ method: 'GET', url, headers: { range: `bytes=${STORY.length + 10}-` } });
    expect(past.statusCode).toBe(416);
  });

  it('keeps the video from anyone not assigned to the entry', async () => {
    const outsider = new Client(server.app);
    await outsider.login('organizer');
    expect((await outsider.get(`/reviews/${assignmentId}/files/${storyId}`)).statusCode).toBe(403);
  });
});

describe('videos on the organizer’s entry page', () => {
  it('plays them too, with the same measurements, and seeks by range', async () => {
    const page = await organizer.get(`/contests/${contestId}/entries/${entryId}`);
    expect(page.body).toContain(`<video controls preload="metadata" src="/contests/${contestId}/files/${storyId}/download"></video>`);
    expect(page.body).toContain('实测：时长 8 秒，320×180，10 帧/秒');
    const part = await organizer.request({
      method: 'GET',
      url: `/contests/${contestId}/files/${storyId}/download`,
      headers: { range: 'bytes=0-99' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-99/${STORY.length}`);
  });
});
