import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library defaults (19 MiB, 2 passes): the OWASP baseline. */
export const hashPassword = (password: string): Promise<string> => hash(password);

// Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    decoyHash ??= hash(crypto.randomBytes(16).toString('hex'));
    await verify(await decoyHash, password);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

export const MIN_PASSWORD_LENGTH = 8;

/** Chinese reason why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 位`;
  if (password.length > 200) return '密码不能超过 200 位';
  if (password.toLowerCase() === username.toLowerCase()) return '密码不能与用户名相同';
  if (/^(\d+|[a-z]+)$/i.test(password)) return '密码不能只由数字或只由字母组成';
  return null;
}

/** A one-time password for new accounts: 16 characters without look-alikes (0/O, 1/l/I). */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  for (;;) {
    const out = Array.from({ length }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
    // Redraw the rare all-letter or all-digit draw, which our own policy would refuse.
    if (passwordProblem(out, '') === null) return out;
  }
}
