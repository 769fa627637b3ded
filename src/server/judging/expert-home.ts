import type { FastifyReply, FastifyRequest } from 'fastify';
import { expertTasks, nextUnscored, type ExpertTask } from './expert-work.ts';

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
  return reply.page(
    'judging/expert-home',
    {
      contests: [...contests.values()].map((c) => ({ ...c, done: c.tasks.filter((t) => t.state === 'submitted').length })),
      next: nextUnscored(tasks, null),
      declined,
    },
    { title: '我的评审' },
  );
}
