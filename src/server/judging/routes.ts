import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { SHEET_LIMIT_BYTES } from './uploads.ts';
import { expertRoutes } from './experts-routes.ts';
import { assignmentRoutes } from './assignment-routes.ts';
import { progressRoutes } from './progress-routes.ts';
import { reviewRoutes } from './review-routes.ts';

/**
 * Expert judging (评审): the organizer's 专家 / 评审分配 / 评审进度 pages and the expert's scoring screen.
 * The expert's home (我的评审) is served at `/` by home.ts.
 */
export const judgingRoutes: FastifyPluginAsync = async (app) => {
  await app.register(multipart, { limits: { fileSize: SHEET_LIMIT_BYTES, files: 1, fields: 5, parts: 6, fieldSize: 4096 } });
  await app.register(expertRoutes);
  await app.register(assignmentRoutes);
  await app.register(progressRoutes);
  await app.register(reviewRoutes);
};
