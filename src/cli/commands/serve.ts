import fs from 'node:fs';
import { UsageError, type Command } from '../command.ts';
import { openMigratedDb, resolveDbUrl } from '../../db/connect.ts';
import { dataDir } from '../../config.ts';
import type { FirstAdmin } from '../../users/accounts.ts';

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`端口无效：${raw}（应为 0–65535 的整数）`);
  return port;
}

export const serveCommand: Command = {
  name: ['serve'],
  summary: { zh: '启动网页服务（首次启动会创建管理员账号）', en: 'Start the web server (creates the administrator on first start)' },
  usage: '[--port N] [--host H]',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  optionHelp: {
    port: '端口，默认 PORT 或 3000 / port, default PORT or 3000',
    host: '监听地址，默认 HOST 或 127.0.0.1 / address, default HOST or 127.0.0.1',
  },
  async run(ctx) {
    // Loaded here, not at the top: other commands should not pay for (or depend on) the web stack.
    const { buildApp } = await import('../../server/app.ts');
    const { ensureFirstAdmin, newAdminLines } = await import('../../users/accounts.ts');
    const port = parsePort(String(ctx.values.port ?? process.env.PORT ?? 3000));
    const host = String(ctx.values.host ?? process.env.HOST ?? '127.0.0.1');
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const db = await openMigratedDb(resolveDbUrl(ctx.values.db as string | undefined));
    // Listening for Ctrl+C before anything is printed: a stop that comes early still closes cleanly.
    // The listeners stay registered; removing them mid-signal would let the default action kill us.
    const stopRequested = new Promise<void>((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) process.exit(130);
        stopping = true;
        if (!ctx.json) ctx.print('正在停止服务（等待进行中的导入完成，再按一次 Ctrl+C 强制退出）…');
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const app = await buildApp({ db, dataDir: dir, logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
    await app.listen({ port, host });
    // Only once the server is up, so a one-time password is never created without being shown.
    let admin: FirstAdmin | null;
    try {
      admin = await ensureFirstAdmin(db);
    } catch (err) {
      await app.close();
      await db.destroy();
      throw new Error(`无法创建管理员账号：${(err as Error).message}（检查环境变量 CASEJURY_ADMIN_PASSWORD）`);
    }
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    // From process start, so it includes loading the code (built JavaScript, or TypeScript through tsx).
    const startupMs = Math.round(process.uptime() * 1000);

    if (ctx.json) {
      ctx.printJson({ url, startupMs, admin: admin ? { username: admin.username, oneTimePassword: admin.generatedPassword } : null });
    } else {
      ctx.print(`案例评选已启动：${url}（启动用时 ${(startupMs / 1000).toFixed(1)} s）`);
      if (admin) for (const line of ['', ...newAdminLines(admin)]) ctx.print(line);
      ctx.print('按 Ctrl+C 停止服务。');
    }

    await stopRequested;
    await app.close();
    await db.destroy();
    return 0;
  },
};
