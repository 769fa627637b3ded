import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.ts';

const STATUS_MESSAGES: Record<number, string> = {
  400: '请求内容不正确',
  401: '请先登录',
  403: '没有访问权限',
  404: '页面不存在',
  406: '请以表单方式提交',
  413: '提交的内容超过大小限制',
  415: '不支持的提交格式',
  429: '请求过于频繁，请稍后再试',
};

const CODE_MESSAGES: Record<string, string> = {
  FST_CSRF_MISSING_SECRET: '页面已过期，请刷新页面后重试',
  FST_CSRF_INVALID_TOKEN: '页面已过期或请求来源无效，请刷新页面后重试',
  FST_REQ_FILE_TOO_LARGE: '上传的文件超过大小限制',
  FST_FILES_LIMIT: '一次只能上传一个文件',
  FST_PARTS_LIMIT: '表单字段过多',
  FST_FIELDS_LIMIT: '表单字段过多',
  FST_INVALID_MULTIPART_CONTENT_TYPE: '请以文件上传表单提交',
};

/** Maps any error to a status and a Chinese message the user can act on. */
export function describeError(err: FastifyError | HttpError | Error): { status: number; message: string } {
  const status = (err as FastifyError).statusCode ?? 500;
  if (err instanceof HttpError) return { status, message: err.message };
  if ((err as FastifyError).validation) return { status: 400, message: '提交的内容格式不正确' };
  const code = (err as FastifyError).code;
  if (code && CODE_MESSAGES[code]) return { status, message: CODE_MESSAGES[code] };
  if (status < 500) return { status, message: STATUS_MESSAGES[status] ?? '请求无法处理' };
  return { status: 500, message: '服务器内部错误，请稍后重试；如果问题持续，请联系管理员' };
}

async function renderError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  try {
    return await reply.page('errors/error', { status, message }, { title: STATUS_MESSAGES[status] ?? '出错了', status });
  } catch (renderErr) {
    request.log.error({ err: renderErr }, 'error page failed to render');
    return reply.code(status).type('text/plain; charset=utf-8').send(message);
  }
}

/** Chinese error pages (or fragments, for htmx swaps) for every failure and unknown URL. */
export function installErrorPages(app: FastifyInstance): void {
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const { status, message } = describeError(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code, status }, err.message);
    return renderError(request, reply, status, message);
  });
  app.setNotFoundHandler(async (request, reply) => renderError(request, reply, 404, STATUS_MESSAGES[404]));
}
