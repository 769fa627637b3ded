import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { ruleSetSchema, type RuleSet } from './schema.ts';

export interface RuleSetError {
  file: string;
  /** 1-based; 0 when the file could not be read. */
  line: number;
  column: number;
  /** Path of the offending field, e.g. `categories[0].awards.bands[1].ratio`; empty for syntax errors. */
  field: string;
  /** The reason alone, in Chinese. */
  reason: string;
  /** Full Chinese message naming file, line and field. */
  message: string;
}

export type RuleSetResult = { ok: true; ruleSet: RuleSet } | { ok: false; errors: RuleSetError[] };

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值（true 或 false）',
  array: '列表',
  object: '键值映射',
  null: '空值',
  undefined: '空',
};

const describeValue = (v: unknown): string => TYPE_NAMES[v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v] ?? typeof v;

/** Chinese wording for the issues a rule-set author meets most; zod's zh-CN locale covers the rest. */
const zhCN = z.locales.zhCN().localeError;
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `缺少必填字段（应为${TYPE_NAMES[issue.expected] ?? issue.expected}）`;
      return `类型不对：应为${TYPE_NAMES[issue.expected] ?? issue.expected}，实际是${describeValue(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `应为 ${JSON.stringify(issue.values[0])}`
        : `应为以下之一：${issue.values.map((v) => String(v)).join('、')}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const cmp = issue.code === 'too_small' ? (issue.inclusive ? '不少于' : '多于') : issue.inclusive ? '不超过' : '少于';
      if (issue.origin === 'array') return `列表须${cmp} ${bound} 项`;
      if (issue.origin === 'string') return `文字须${cmp} ${bound} 个字符`;
      return `数值须${cmp} ${bound}`;
    }
    default:
      return zhCN(issue);
  }
};

const YAML_ERRORS: Record<string, string> = {
  BAD_INDENT: '缩进不正确',
  TAB_AS_INDENT: '不能用制表符（Tab）缩进',
  DUPLICATE_KEY: '同一层级中字段重复',
  MISSING_CHAR: '缺少闭合符号（如 ]、} 或引号）',
  BLOCK_AS_IMPLICIT_KEY: '键值写法有误（检查冒号后的空格和缩进）',
  MULTILINE_IMPLICIT_KEY: '键值写法有误（检查冒号后的空格和缩进）',
  UNEXPECTED_TOKEN: '出现了不应有的字符',
  BAD_SCALAR_START: '值的开头字符不合法（以 @、` 等开头的文字请加引号）',
  BAD_ALIAS: '引用（*）了不存在的锚点（&）',
  MULTIPLE_DOCS: '一个文件只能包含一个 YAML 文档',
  BLOCK_IN_FLOW: '方括号或花括号内不能再写缩进的块结构',
};

function formatField(p: readonly PropertyKey[]): string {
  return p.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`)).join('');
}

/** Source offset of the deepest node along `p` that exists; for a mapping entry, its key. */
function offsetOf(doc: Document, p: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of p) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === seg);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

export function makeError(file: string, line: number, column: number, field: string, reason: string): RuleSetError {
  const where = line > 0 ? ` 第${line}行` : '';
  return { file, line, column, field, reason, message: `${file}${where}${field ? ` ${field}` : ''}：${reason}` };
}

/** Parses and validates a rule set; every error names the file, the line and the field. */
export function parseRuleSet(text: string, fileName: string): RuleSetResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return makeError(fileName, line, col, '', `YAML 语法错误：${YAML_ERRORS[e.code] ?? '无法解析'}（${e.message.split('\n')[0]}）`);
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS(); // throws on alias bombs (more than 100 alias expansions)
  } catch (err) {
    return { ok: false, errors: [makeError(fileName, 1, 1, '', `YAML 内容无法展开：${(err as Error).message}`)] };
  }
  const parsed = ruleSetSchema.safeParse(data, { error: errorMap });
  if (parsed.success) return { ok: true, ruleSet: parsed.data };
  const errors = parsed.error.issues.flatMap((issue) => {
    // One error per unknown key, pointing at the key itself.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    const reason = issue.code === 'unrecognized_keys' ? '不认识的字段（拼写错误或放错了层级）' : issue.message;
    return paths.map((p) => {
      const { line, col } = lineCounter.linePos(offsetOf(doc, p));
      return makeError(fileName, line, col, formatField(p), reason);
    });
  });
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, errors };
}

/** Thrown where a valid rule set is required; the message lists every error. */
export class RuleSetInvalidError extends Error {
  constructor(readonly errors: RuleSetError[]) {
    super(`规则有误（${errors.length} 处）：\n${errors.map((e) => e.message).join('\n')}`);
    this.name = 'RuleSetInvalidError';
  }
}

/** The parsed rule set, or a RuleSetInvalidError. */
export function requireRuleSet(text: string, fileName: string): RuleSet {
  const result = parseRuleSet(text, fileName);
  if (!result.ok) throw new RuleSetInvalidError(result.errors);
  return result.ruleSet;
}
