import { CappedMap } from '../util/capped-map.ts';

/**
 * Which queries PostgreSQL keeps prepared. An unnamed statement is parsed and planned on every execution,
 * and planning is most of a small query's cost: a session lookup plans in 0.13 ms and runs in 0.02 ms, the
 * scoring screen's review lookup 0.41 ms against 0.03 ms. A named statement is parsed once per connection
 * and, once PostgreSQL sees that a generic plan costs no more, no longer planned.
 *
 * A text is named the second time it is seen, so one-off texts (an IN list of some length) stay unnamed,
 * and at most `limit` texts are ever named, so the statements each connection keeps stay bounded without
 * ever being dropped. Every connection prepares a text under the same name, until `renew`.
 */
export class StatementNames {
  /** Text → its number; the name is the number in the current generation. */
  private readonly named = new Map<string, number>();
  private generation = 0;
  /** Texts seen once and not named yet; forgetting some only delays their naming. */
  private readonly seenOnce: CappedMap<string, true>;

  constructor(
    private readonly limit = 256,
    remember = 4096,
  ) {
    this.seenOnce = new CappedMap(remember);
  }

  /** The name to prepare `text` under, or undefined to run it unnamed. */
  nameOf(text: string): string | undefined {
    let n = this.named.get(text);
    if (n === undefined) {
      if (this.named.size >= this.limit) return undefined;
      if (!this.seenOnce.has(text)) {
        this.seenOnce.set(text, true);
        return undefined;
      }
      this.seenOnce.delete(text);
      n = this.named.size;
      this.named.set(text, n);
    }
    return this.generation ? `casejury_${this.generation}_${n}` : `casejury_${n}`;
  }

  /**
   * New names for every text, when `staleName` (the name `text` ran under) is still current. A statement
   * prepared before another process's migration changed the columns it returns fails ("cached plan must not
   * change result type") on every connection that holds it: under new names each connection prepares it
   * afresh. Connections refused under the same names renew them once, not once each.
   */
  renew(text: string, staleName: string): void {
    if (this.nameOf(text) === staleName) this.generation++;
  }
}
