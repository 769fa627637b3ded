import type { FastifyPluginAsync } from 'fastify';
import { ORGANIZERS } from './auth/access.ts';

/** `/`: organizers land on the contest list; experts on their own page. */
export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'user' } }, async (request, reply) => {
    if (ORGANIZERS.includes(request.user!.role)) return reply.redirect('/contests', 303);
    return reply.page('home/expert', {}, { title: '我的评审' });
  });
};
