import { z } from 'zod';

declare const holds: unique symbol;

/**
 * The text of a JSON column, branded with the value it holds. A plain string is not one, so a row is written
 * and read only through its column's codec (src/db/columns.ts), never with `JSON.parse(x) as T`.
 */
export type JsonText<T> = string & { readonly [holds]: T };

/** Thrown when a stored JSON value no longer has the shape its column promises. */
export class JsonColumnError extends Error {}

export interface JsonColumn<T> {
  /** `table.column`, named in errors. */
  readonly column: string;
  /** Any text is accepted: the schema decides (a job's result column holds one shape per job kind). */
  read(text: string): T;
  write(value: T): JsonText<T>;
}

/**
 * The codec of one JSON column: `schema` checks what is read, so a stored value of the wrong shape fails
 * loudly at the boundary instead of deep inside a page. `write` takes a serializer for columns whose text
 * must be canonical (hashed snapshots).
 */
export function jsonColumn<T>(column: string, schema: z.ZodType<T>, serialize: (value: T) => string = JSON.stringify): JsonColumn<T> {
  return {
    column,
    read(text) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new JsonColumnError(`数据库中 ${column} 的内容不是有效的 JSON（${(err as Error).message}）`);
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new JsonColumnError(`数据库中 ${column} 的内容格式不对：${z.prettifyError(parsed.error)}`);
      return parsed.data;
    },
    write: (value) => serialize(value) as JsonText<T>,
  };
}
