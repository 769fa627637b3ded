// Fails when a source line is longer than 140 characters. Biome's formatter wraps code at 140 columns but leaves long
// strings and comments alone, and it counts a Chinese character as two columns; this counts characters (code points).
// Usage: tsx scripts/check-lines.ts [folder or file ...]   (default: src scripts test)
import fs from 'node:fs';
import path from 'node:path';

const MAX = 140;
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function* files(target: string): Generator<string> {
  if (fs.statSync(target).isFile()) {
    yield target;
    return;
  }
  for (const entry of fs.readdirSync(target, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && CODE.test(entry.name) && !full.split(path.sep).includes('node_modules')) yield full;
  }
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : ['src', 'scripts', 'test'];
let long = 0;
for (const target of targets) {
  for (const file of [...files(target)].sort()) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const length = [...line].length;
        if (length > MAX) {
          long++;
          console.log(`${file}:${i + 1}: ${length} characters (at most ${MAX})`);
        }
      });
  }
}
if (long > 0) {
  console.log(`\n${long} line(s) longer than ${MAX} characters.`);
  process.exit(1);
}
