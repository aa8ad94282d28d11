// Special tokens: strings that are always one token and are never split or merged across.

export interface SpecialToken {
  readonly content: string;
  readonly id: number;
}

/**
 * Cuts text into ordinary segments and special tokens. Returns a list of [start, end, specialId] triples where
 * specialId is -1 for ordinary text. Longest special wins when two start at the same place.
 */
export class SpecialMatcher {
  private readonly byContent: Map<string, number>;
  private readonly re: RegExp | null;

  constructor(specials: readonly SpecialToken[]) {
    this.byContent = new Map(specials.map((s) => [s.content, s.id]));
    const alts = [...this.byContent.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.re = alts.length > 0 ? new RegExp(alts.join("|"), "g") : null;
  }

  /** Calls text(start, end) for ordinary runs and special(id) for each special token, in order. */
  scan(s: string, text: (start: number, end: number) => void, special: (id: number) => void): void {
    const re = this.re;
    if (re === null) {
      if (s.length > 0) text(0, s.length);
      return;
    }
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      if (m.index > last) text(last, m.index);
      special(this.byContent.get(m[0])!);
      last = m.index + m[0].length;
    }
    if (last < s.length) text(last, s.length);
  }

  id(content: string): number | undefined {
    return this.byContent.get(content);
  }
}
