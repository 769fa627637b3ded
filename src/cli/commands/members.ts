import { type Command, type CommandContext, UsageError } from '../command.ts';
import type { Db } from '../../db/connect.ts';
import { contestId, withDb } from '../db.ts';
import { addMember, listMembers, MEMBER_ROLE_LABELS, MembershipError, removeMember } from '../../contests/members.ts';

/** 竞赛成员 from the command line: the administrator's tool where the browser is not at hand. */

const username = (value: string | undefined): string => {
  if (!value) throw new UsageError('缺少用户名 USER');
  return value;
};

/** Runs a change to one account's membership (CONTEST USER); a refusal is printed in Chinese and exits 1. */
async function onMember(ctx: CommandContext, work: (db: Db, contest: number, user: string) => Promise<void>): Promise<number> {
  const id = contestId(ctx.positionals[0]);
  const user = username(ctx.positionals[1]);
  return withDb(ctx.values.db, async (db) => {
    try {
      await work(db, id, user);
      return 0;
    } catch (err) {
      if (!(err instanceof MembershipError)) throw err;
      console.error(err.message);
      return 1;
    }
  });
}

export const membersListCommand: Command = {
  name: ['members', 'list'],
  summary: { zh: '列出竞赛的组织者', en: 'List the organizers of a contest' },
  usage: 'CONTEST [--json]',
  async run(ctx) {
    const id = contestId(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const members = await listMembers(db, id);
      if (ctx.json) ctx.printJson(members);
      else if (members.length === 0) ctx.print(`竞赛 #${id} 还没有组织者。用 casejury members add ${id} USER 添加。`);
      else for (const m of members) ctx.print(`${m.username}  ${m.displayName}  ${MEMBER_ROLE_LABELS[m.role]}  加入于 ${m.createdAt}`);
      return 0;
    });
  },
};

export const membersAddCommand: Command = {
  name: ['members', 'add'],
  summary: { zh: '让组织者账号管理这个竞赛（记入审计日志）', en: 'Let an organizer account work on a contest (audited)' },
  usage: 'CONTEST USER [--json]',
  run: (ctx) =>
    onMember(ctx, async (db, id, user) => {
      await addMember(db, id, user, 'organizer', null);
      if (ctx.json) ctx.printJson({ contest: id, username: user, role: 'organizer' });
      else ctx.print(`已把 ${user} 加为竞赛 #${id} 的组织者`);
    }),
};

export const membersRemoveCommand: Command = {
  name: ['members', 'remove'],
  summary: { zh: '把账号移出竞赛（记入审计日志）', en: 'Remove an account from a contest (audited)' },
  usage: 'CONTEST USER [--json]',
  run: (ctx) =>
    onMember(ctx, async (db, id, user) => {
      const removed = await removeMember(db, id, user, null);
      if (ctx.json) ctx.printJson({ contest: id, username: user, removed });
      else ctx.print(removed ? `已把 ${user} 移出竞赛 #${id}` : `${user} 本来就不是竞赛 #${id} 的成员`);
    }),
};
