import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import view from '@fastify/view';
import { Eta } from 'eta';
import { wantsFragment } from './htmx.ts';
import { viewHelpers } from './view-helpers.ts';
import { tabsFor } from './contest-tabs.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface PageOptions {
  /** Shown in the browser tab; the fragment itself carries its own heading. */
  title: string;
  status?: number;
}

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Renders `template` (a path under views/, no extension). An htmx request that swaps part of
     * the page gets the fragment alone; anything else gets it inside views/layout.eta — so a
     * reload shows exactly what the swap showed. Templates see `data` plus `it.user`, `it.csrf`
     * (token for `_csrf` fields), `it.h` (formatting helpers), `it.fragmentOnly` and, with
     * `data.contest`, `it.tabs`.
     */
    page(template: string, data: Record<string, unknown>, opts: PageOptions): Promise<FastifyReply>;
  }
}

export const views = fp(
  async (app) => {
    await app.register(view, {
      engine: { eta: new Eta() },
      root: VIEWS_DIR,
      production: process.env.NODE_ENV !== 'development',
    });

    app.decorateReply('page', async function (this: FastifyReply, template: string, data: Record<string, unknown>, opts: PageOptions) {
      const request = this.request;
      const user = request.user;
      const fragmentOnly = wantsFragment(request);
      const context = {
        ...data,
        title: opts.title,
        user,
        csrf: this.generateCsrf(),
        h: viewHelpers,
        path: request.url,
        tabs: user && data.contest ? tabsFor(user.role) : [],
        fragmentOnly,
      };
      const fragment = await this.viewAsync(template, context);
      const html = fragmentOnly ? fragment : await this.viewAsync('layout', { ...context, body: fragment });
      // The same URL answers with a fragment or a page depending on these headers.
      this.header('Vary', 'HX-Request, HX-Target, HX-Boosted');
      this.header('Cache-Control', 'no-store');
      return this.code(opts.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(html);
    });
  },
  { name: 'views', dependencies: ['@fastify/csrf-protection'] },
);
