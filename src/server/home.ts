import type { FastifyPluginAsync } from 'fastify';
import { ORGANIZERS } from './auth/access.ts';
import { renderExpertHome } from './judging/expert-home.ts';

/** `/`: organizers land on the contest list; experts on their own page (我的评审). */
export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { declined?: string } }>('/', { config: { access: 'user' } }, async (request, reply) => {
    if (ORGANIZERS.includes(request.signedIn.role)) return reply.redirect('/contests', 303);
    if (request.signedIn.role === 'unit') return reply.redirect('/portal', 303);
    return renderExpertHome(request, reply);
  });
};
