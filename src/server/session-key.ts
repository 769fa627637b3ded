import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The session key's size: 256 bits, from which the cookie-signing keys are derived. */
export const SESSION_KEY_BYTES = 32;

function decodeKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== SESSION_KEY_BYTES) {
    throw new Error(`${origin} 必须是 ${SESSION_KEY_BYTES} 字节的密钥（64 位十六进制或 base64）`);
  }
  return key;
}

/**
 * The cookie-encryption key: CASEJURY_SESSION_KEY, else `session.key` under the data folder,
 * generated once (mode 0600) so every instance sharing the folder decrypts the same cookies.
 */
export function loadSessionKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.CASEJURY_SESSION_KEY) return decodeKey(env.CASEJURY_SESSION_KEY, '环境变量 CASEJURY_SESSION_KEY');
  const file = path.join(dataDir, 'session.key');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Write a private temp file, then link it into place: link fails if another instance won the
    // race, and nobody ever reads a half-written key.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `${crypto.randomBytes(SESSION_KEY_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  return decodeKey(fs.readFileSync(file, 'utf8'), `密钥文件 ${file}`);
}
