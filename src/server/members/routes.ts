import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Contest } from '../../db/schema.ts';
import { addMember, listMembers, MEMBER_ROLE_LABELS, MembershipError, removeMember } from '../../contests/members.ts';
import { listUsers } from '../../users/accounts.ts';
import { ADMINS } from '../auth/access.ts';
import { requireContest } from '../contests/load.ts';
import { idParams, type Ids } from '../schemas.ts';

const usernameBody = { type: 'object', properties: { username: { type: 'string', maxLength: 60 } } } as const;

/** 成员 (administrators): the organizers of one contest — who may open and change it. */
export const memberRoutes: FastifyPluginAsync = async (app) => {
  const render = async (reply: FastifyReply, contest: Contest, error: string | null = null, status = 200) => {
    const [members, users] = await Promise.all([listMembers(app.db, contest.id), listUsers(app.db)]);
    const taken = new Set(members.map((m) => m.userId));
    const candidates = users.filter((u) => u.role === 'organizer' && !taken.has(u.id));
    return reply.page(
      'members/index',
      { contest, tab: 'members', members, candidates, roles: MEMBER_ROLE_LABELS, error },
      { title: `成员 · ${contest.name}`, status },
    );
  };

  app.get<{ Params: Ids<'contestId'> }>(
    '/contests/:contestId/members',
    { config: { access: ADMINS }, schema: { params: idParams('contestId') } },
    async (request, reply) => render(reply, await requireContest(app.db, request.params.contestId)),
  );

  app.post<{ Params: Ids<'contestId'>; Body: { username?: string } }>(
    '/contests/:contestId/members',
    { config: { access: ADMINS }, schema: { params: idParams('contestId'), body: usernameBody } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      try {
        await addMember(app.db, contest.id, String(request.body?.username ?? ''), 'organizer', request.signedIn.id);
      } catch (err) {
        if (err instanceof MembershipError) return render(reply, contest, err.message, 422);
        throw err;
      }
      return reply.goTo(`/contests/${contest.id}/members`);
    },
  );

  app.post<{ Params: Ids<'contestId'>; Body: { username?: string } }>(
    '/contests/:contestId/members/remove',
    { config: { access: ADMINS }, schema: { params: idParams('contestId'), body: usernameBody } },
    async (request, reply) => {
      const contest = await requireContest(app.db, request.params.contestId);
      try {
        await removeMember(app.db, contest.id, String(request.body?.username ?? ''), request.signedIn.id);
      } catch (err) {
        if (err instanceof MembershipError) return render(reply, contest, err.message, 422);
        throw err;
      }
      return reply.goTo(`/contests/${contest.id}/members`);
    },
  );
};
