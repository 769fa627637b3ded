import type { FastifyInstance } from 'fastify';
import { detectedSuspects } from '../../suspects/store/suspects.ts';

/**
 * Detects the contest's 一稿多投 / 相似主题 suspects now, after a job changed what detection reads (an
 * import, a scan), so 一稿多投, 评奖 and 概况 open without waiting for it. A failure here costs only that
 * wait: it is logged, and the job that changed the inputs keeps its outcome.
 */
export async function warmSuspects(app: FastifyInstance, contestId: number): Promise<void> {
  try {
    await detectedSuspects(app.db, contestId);
  } catch (err) {
    app.log.error({ err, contestId }, 'suspect detection after a job failed; pages will detect on first view');
  }
}
