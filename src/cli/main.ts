import { parseArgs } from 'node:util';
import { type Command, type CommandContext, UsageError } from './command.ts';
import { type CommandEntry, commands } from './commands/index.ts';

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  let best: CommandEntry | null = null;
  for (const c of commands) {
    if (c.name.every((w, i) => argv[i] === w) && (!best || c.name.length > best.name.length)) best = c;
  }
  return best ? { entry: best, rest: argv.slice(best.name.length) } : null;
}

async function generalHelp(): Promise<string> {
  const lines = [
    'casejury — 案例评选组织工具 (case-document competition tool)',
    '',
    '用法 Usage: casejury <命令 command> [选项 options]',
    '',
    '命令 Commands:',
  ];
  for (const c of await Promise.all(commands.map((entry) => entry.load()))) {
    lines.push(`  ${c.name.join(' ').padEnd(18)} ${c.summary.zh}`);
    lines.push(`  ${''.padEnd(18)} ${c.summary.en}`);
  }
  lines.push(
    '',
    '通用选项 Common options:',
    '  --json        以 JSON 输出 / JSON output',
    '  --db URL      数据库文件或 postgres:// 地址 / database file or postgres:// URL',
    '  -h, --help    帮助 / help',
  );
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`用法 Usage: casejury ${c.name.join(' ')} ${c.usage}`, '', c.summary.zh, c.summary.en];
  if (c.optionHelp && Object.keys(c.optionHelp).length) {
    lines.push('', '选项 Options:');
    for (const [k, v] of Object.entries(c.optionHelp)) lines.push(`  --${k.padEnd(14)} ${v}`);
  }
  lines.push('  --json           以 JSON 输出 / JSON output', '  --db URL         数据库 / database', '  -h, --help       帮助 / help');
  return lines.join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const asked = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
    const help = await generalHelp();
    (asked ? console.log : console.error)(asked ? help : `未知命令：${argv.join(' ')}\n\n${help}`);
    return asked ? 0 : 2;
  }
  const { entry, rest } = found;
  const command = await entry.load();
  // A command may give `--json` a value (scan's `--json OUT.json`); given bare, it keeps its common meaning.
  const jsonTakesValue = command.options?.json?.type === 'string';
  const args = rest.map((a, i) =>
    jsonTakesValue && a === '--json' && (i + 1 === rest.length || rest[i + 1].startsWith('-')) ? '--json=' : a,
  );
  let parsed: { values: CommandContext['values']; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`参数错误：${(err as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  const ctx: CommandContext = {
    values: parsed.values,
    positionals: parsed.positionals,
    json: parsed.values.json !== undefined && parsed.values.json !== false,
    print: (line) => process.stdout.write(`${line}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    console.error(`错误：${(err as Error).message}`);
    return 1;
  }
}

// Run directly (`tsx src/cli/main.ts`, `node dist/cli/main.js`); bin/casejury.js imports runCli instead.
const isMain = process.argv[1] && /[\\/]cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
