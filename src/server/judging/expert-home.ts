import type { FastifyReply, FastifyRequest } from 'fastify';
import { expertTasks, nextUnscored, type ExpertTask } from './expert-work.ts';
import { expertDeadlines } from '../../deadlines/store/deadlines.ts';
import { JUDGING_STAGE, timeLeft } from '../../deadlines/deadlines.ts';

/** 我的评审: the expert's own tasks per contest with progress (已评/待评), and the next one to score. */
export async function renderExpertHome(request: FastifyRequest<{ Querystring: { declined?: string } }>, reply: FastifyReply) {
  const tasks = await expertTasks(request.server.db, request.signedIn.id);
  const contests = new Map<number, { id: number; name: string; tasks: ExpertTask[] }>();
  for (const t of tasks) {
    const c = contests.get(t.contestId) ?? { id: t.contestId, name: t.contestName, tasks: [] };
    c.tasks.push(t);
    contests.set(t.contestId, c);
  }
  const declined = typeof request.query.declined === 'string' ? request.query.declined.slice(0, 40) : null;
  const deadlines = await expertDeadlines(request.server.db, request.signedIn.id, [...contests.keys()], JUDGING_STAGE);
  const now = new Date();
  return reply.page(
    'judging/expert-home',
    {
      contests: [...contests.values()].map((c) => {
        const deadline = deadlines.get(c.id);
        return {
          ...c,
          done: c.tasks.filter((t) => t.state === 'submitted').length,
          deadline: deadline ? timeLeft(deadline.closesAt, now) : null,
        };
      }),
      next: nextUnscored(tasks, null),
      declined,
    },
    { title: '我的评审' },
  );
}
