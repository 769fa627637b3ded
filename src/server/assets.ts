import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { VIEWS_DIR } from './views.ts';

const htmxDist = path.dirname(createRequire(import.meta.url).resolve('htmx.org'));
const HTMX_FILES = new Set(['/htmx.min.js', '/htmx.min.js.map']);

/** Our CSS/JS from views/static and htmx straight from node_modules — never a CDN. */
export const assets: FastifyPluginAsync = async (app) => {
  // Static files are public and skip the session lookup.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'asset' };
  });
  await app.register(fastifyStatic, { root: path.join(VIEWS_DIR, 'static'), prefix: '/static/', index: false });
  await app.register(fastifyStatic, {
    root: htmxDist,
    prefix: '/static/htmx/',
    decorateReply: false,
    index: false,
    allowedPath: (pathname) => HTMX_FILES.has(pathname),
  });
};
