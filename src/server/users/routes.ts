import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Role } from '../../db/schema.ts';
import { ADMINS } from '../auth/access.ts';
import { createUser, listUsers, ROLE_LABELS, UserInputError } from '../../users/accounts.ts';
import { generatePassword } from '../../users/passwords.ts';

interface NewUserBody {
  username?: string;
  display_name?: string;
  role?: string;
  unit?: string;
}

/** 用户管理 (administrators): list accounts, create organizers and experts with a one-time password. */
/** Roles an administrator gives here; a unit's account is made on its contest's 单位与名额 page, bound to its unit. */
const ROLES = Object.fromEntries(Object.entries(ROLE_LABELS).filter(([role]) => role !== 'unit'));

export const userRoutes: FastifyPluginAsync = async (app) => {
  const render = async (
    reply: FastifyReply,
    extra: { values: NewUserBody; error: string | null; created: { username: string; password: string } | null },
    status = 200,
  ) => reply.page('users/index', { users: await listUsers(app.db), roles: ROLES, ...extra }, { title: '用户管理', status });

  app.get('/users', { config: { access: ADMINS } }, async (_request, reply) =>
    render(reply, { values: { role: 'organizer' }, error: null, created: null }),
  );

  app.post<{ Body: NewUserBody }>('/users', { config: { access: ADMINS } }, async (request, reply) => {
    const values = request.body ?? {};
    const role = values.role as Role;
    if (!(role in ROLES)) return render(reply, { values, error: '请选择角色', created: null }, 422);
    const password = generatePassword();
    try {
      await createUser(
        app.db,
        {
          username: String(values.username ?? ''),
          displayName: String(values.display_name ?? ''),
          role,
          unit: values.unit?.trim() || null,
          password,
          mustChangePassword: true,
        },
        request.signedIn.id,
      );
    } catch (err) {
      if (err instanceof UserInputError) return render(reply, { values, error: err.message, created: null }, 422);
      throw err;
    }
    // Shown exactly once, on this response; only its hash is stored.
    return render(reply, { values: { role }, error: null, created: { username: String(values.username).trim(), password } });
  });
};
