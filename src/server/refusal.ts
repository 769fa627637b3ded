/**
 * The core modules refuse bad input (no reason, an unknown band, a withdrawn entry …) with a plain Error whose
 * Chinese message is meant for the user. Routes show that message; anything else (a database fault) is rethrown.
 */
export function refusal(err: unknown): string {
  if (err instanceof Error && Object.getPrototypeOf(err) === Error.prototype) return err.message;
  throw err;
}

/** Runs an action; returns the refusal message, or null when it went through. */
export async function attempt(action: () => Promise<unknown>): Promise<string | null> {
  try {
    await action();
    return null;
  } catch (err) {
    return refusal(err);
  }
}
