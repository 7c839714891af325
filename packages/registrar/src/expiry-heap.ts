/** What the heap needs of an entry: a slot where it keeps the entry's position. */
export interface HeapEntry {
  /** Position in the heap, or -1 when not in it; maintained by {@link ExpiryHeap}. */
  heapIndex: number;
}

/**
 * A binary min-heap of entries ordered by deadline: insert, remove and
 * re-key are O(log n), the earliest deadline is O(1). Each entry carries its
 * own position, so removing one (a delete, a refresh) needs no search.
 */
export class ExpiryHeap<E extends HeapEntry> {
  readonly #entries: E[] = [];
  readonly #deadline: (entry: E) => number;

  /** `deadline` reads an entry's deadline (ms since the epoch). */
  constructor(deadline: (entry: E) => number) {
    this.#deadline = deadline;
  }

  /** How many entries the heap holds. */
  get size(): number {
    return this.#entries.length;
  }

  /** The earliest deadline, or `undefined` when empty. */
  peekDeadline(): number | undefined {
    const first = this.#entries[0];
    return first === undefined ? undefined : this.#deadline(first);
  }

  /** Adds an entry that is not in the heap. */
  push(entry: E): void {
    entry.heapIndex = this.#entries.length;
    this.#entries.push(entry);
    this.#up(entry.heapIndex);
  }

  /** Restores the order after the entry's deadline changed. */
  update(entry: E): void {
    if (entry.heapIndex < 0) return this.push(entry);
    this.#up(entry.heapIndex);
    this.#down(entry.heapIndex);
  }

  /** Removes an entry; an entry not in the heap is ignored. */
  remove(entry: E): void {
    const at = entry.heapIndex;
    if (at < 0) return;
    const last = this.#entries.pop() as E;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.#entries[at] = last;
    last.heapIndex = at;
    this.#up(at);
    this.#down(last.heapIndex);
  }

  /**
   * Removes and returns every entry whose deadline is at or before `now`,
   * earliest first: `(entries, now) → expired`. O(k log n) for k expired.
   */
  popExpired(now: number): E[] {
    const expired: E[] = [];
    for (;;) {
      const first = this.#entries[0];
      if (first === undefined || this.#deadline(first) > now) return expired;
      this.remove(first);
      expired.push(first);
    }
  }

  #up(at: number): void {
    const entries = this.#entries;
    const entry = entries[at] as E;
    const key = this.#deadline(entry);
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = entries[parentAt] as E;
      if (this.#deadline(parent) <= key) break;
      entries[at] = parent;
      parent.heapIndex = at;
      at = parentAt;
    }
    entries[at] = entry;
    entry.heapIndex = at;
  }

  #down(at: number): void {
    const entries = this.#entries;
    const n = entries.length;
    const entry = entries[at] as E;
    const key = this.#deadline(entry);
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.#deadline(entries[right] as E) < this.#deadline(entries[left] as E)) child = right;
      const childEntry = entries[child] as E;
      if (this.#deadline(childEntry) >= key) break;
      entries[at] = childEntry;
      childEntry.heapIndex = at;
      at = child;
    }
    entries[at] = entry;
    entry.heapIndex = at;
  }
}
