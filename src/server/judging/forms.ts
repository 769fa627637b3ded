import { HttpError } from '../http-error.ts';

/** Reading urlencoded form bodies: one trimmed string per field, whatever the client sent. */

export type FormBody = Record<string, unknown> | undefined;

/** The field's value as text ('' when missing); a repeated field gives its last value. */
export function field(body: FormBody, name: string): string {
  const value = body?.[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return last === undefined || last === null ? '' : String(last).trim();
}

/** A positive integer field (an id or a count), or a 400 naming what was wrong. */
export function idField(body: FormBody, name: string, label: string): number {
  const text = field(body, name);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new HttpError(400, `请选择${label}`);
  return n;
}

/** The required reason of an organizer's change; 422 when empty or too long. */
export function reasonField(body: FormBody, what: string): string {
  const reason = field(body, 'reason');
  if (!reason) throw new HttpError(422, `${what}须填写原因`);
  if (reason.length > 500) throw new HttpError(422, '原因不能超过 500 字');
  return reason;
}

/** A library error whose message is already a Chinese explanation for the user becomes a 422 page. */
export async function asUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HttpError || !(err instanceof Error) || !/[\u4e00-\u9fff]/.test(err.message)) throw err;
    throw new HttpError(422, err.message);
  }
}
