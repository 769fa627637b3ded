import type { FastifyRequest } from 'fastify';

export const isHtmx = (request: FastifyRequest): boolean => request.headers['hx-request'] === 'true';

/**
 * True when the response should be the page's fragment alone: an htmx request that swaps part of
 * the page. Boosted requests, history restores and swaps of the whole body get the full page.
 */
export function wantsFragment(request: FastifyRequest): boolean {
  const h = request.headers;
  return (
    isHtmx(request) &&
    h['hx-boosted'] !== 'true' &&
    h['hx-history-restore-request'] !== 'true' &&
    !/^body(#|$)/.test(String(h['hx-target'] ?? ''))
  );
}
