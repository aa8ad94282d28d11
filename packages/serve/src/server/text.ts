// Generated ids → text a client may see: an incremental detokenizer that holds back a cut multi-byte character, and
// a stop-string matcher that holds back text which might still become a stop string (so a stream never shows it).

/** Text of ids pushed one at a time, from any ids → text function. */
export class IncrementalText {
  private readonly ids: number[] = [];
  /** Characters already released. */
  private released = 0;
  /** Ids whose text is out in full (the ones after may hold a cut character). */
  private releasedIds = 0;

  constructor(private readonly detokenize: (ids: readonly number[]) => string) {}

  /** The text this id completes ("" while a multi-byte character is still cut, up to 3 ids). */
  push(id: number): string {
    this.ids.push(id);
    let text = this.detokenize(this.ids);
    const cut = /\uFFFD+$/.exec(text);
    if (cut && this.ids.length - this.releasedIds < 4) text = text.slice(0, cut.index);
    else this.releasedIds = this.ids.length;
    if (text.length <= this.released) return "";
    const delta = text.slice(this.released);
    this.released = text.length;
    return delta;
  }

  /** End: whatever is held comes out (a character still cut is U+FFFD). */
  flush(): string {
    const text = this.detokenize(this.ids);
    const delta = text.slice(this.released);
    this.released = text.length;
    return delta;
  }
}

/** Cuts generated text at the first of the stop strings; hold back a tail that may be the start of one. */
export class StopMatcher {
  private pending = "";
  stopped = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Text safe to show now; after a stop string is found, its text before it, then "" forever. */
  push(delta: string): string {
    if (this.stopped) return "";
    this.pending += delta;
    let cut = -1;
    for (const s of this.stops) {
      const i = this.pending.indexOf(s);
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      this.stopped = true;
      const out = this.pending.slice(0, cut);
      this.pending = "";
      return out;
    }
    const hold = this.heldTail();
    const out = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return out;
  }

  /** End of generation: the held tail was not a stop string after all. */
  flush(): string {
    const out = this.stopped ? "" : this.pending;
    this.pending = "";
    return out;
  }

  /** Length of the longest suffix of pending that is a proper prefix of some stop string. */
  private heldTail(): number {
    let best = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, this.pending.length); n > best; n--) {
        if (this.pending.endsWith(s.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
