import type { SimilarityCorpus } from '../index.ts';

interface Cached {
  settingsSignature: string;
  corpus: SimilarityCorpus;
  /** Identities of the members added to `corpus`, in order. */
  identities: string[];
}

/**
 * The prepared corpus of the last scan of each contest, kept in this process. A new scan whose
 * settings are unchanged and whose documents extend the cached ones (same documents, same
 * order, more at the end: a new import or library upload) adds only the new documents; the
 * corpus keeps every document's fingerprints and every pair already aligned. Anything else
 * (a changed or removed document, new settings, a restarted server) is a full scan.
 */
export class CorpusCache {
  private readonly cached = new Map<number, Cached>();

  /** Each cached corpus holds every document's text and fingerprints: a few contests at most. */
  constructor(private readonly capacity = 2) {}

  /** The cached corpus and how many of `identities` it already holds, when it can be extended to them. */
  extendable(
    contestId: number,
    settingsSignature: string,
    identities: readonly string[],
  ): { corpus: SimilarityCorpus; held: number } | null {
    const c = this.cached.get(contestId);
    if (!c || c.settingsSignature !== settingsSignature || c.identities.length > identities.length) return null;
    for (let i = 0; i < c.identities.length; i++) if (c.identities[i] !== identities[i]) return null;
    return { corpus: c.corpus, held: c.identities.length };
  }

  /** Records the corpus now holding exactly `identities`. */
  remember(contestId: number, settingsSignature: string, corpus: SimilarityCorpus, identities: readonly string[]): void {
    this.cached.delete(contestId);
    this.cached.set(contestId, { settingsSignature, corpus, identities: [...identities] });
    // Oldest first: a Map keeps insertion order, and a remembered contest was just moved to the end.
    for (const oldest of this.cached.keys()) {
      if (this.cached.size <= this.capacity) break;
      this.cached.delete(oldest);
    }
  }

  /** Drops a corpus left half-extended by a failed scan. */
  forget(contestId: number): void {
    this.cached.delete(contestId);
  }
}
