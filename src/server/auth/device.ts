import crypto from 'node:crypto';

/**
 * A browser an account has signed in from: a long-lived cookie naming the account, signed with a
 * key derived from the session key (so every instance accepts it). Logins from such a browser are
 * not held back by the account's lockout — the owner keeps signing in while an attacker elsewhere
 * is locked out (OWASP's device cookies).
 */

export const DEVICE_COOKIE = 'casejury_device';
export const DEVICE_DAYS = 180;

export class DeviceCookies {
  private readonly key: Buffer;

  constructor(sessionKey: Buffer) {
    this.key = crypto.createHmac('sha256', sessionKey).update('casejury device cookie').digest();
  }

  private sign(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  /** The cookie value for a browser the user has just signed in from. */
  issue(userId: number, now = Date.now()): string {
    const payload = `${userId}.${now}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** Whether `value` is this user's device cookie, signed by us and not older than DEVICE_DAYS. */
  trusts(value: string | undefined, userId: number, now = Date.now()): boolean {
    const [user, issued, signature] = value?.split('.') ?? [];
    if (!signature || Number(user) !== userId) return false;
    const expected = Buffer.from(this.sign(`${user}.${issued}`));
    const given = Buffer.from(signature);
    const fresh = now - Number(issued) < DEVICE_DAYS * 86_400_000;
    return fresh && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }
}
