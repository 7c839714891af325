import { canonicalHeaderName } from './header-names.js';

/**
 * The header fields of a message, in the order they appeared. Each entry
 * keeps its name as written and its value as written (line folding replaced
 * by one space, which RFC 3261 §7.3.1 makes equivalent). Lookups are
 * case-insensitive and compact forms match their full names.
 *
 * A header field whose value holds several comma-separated entries (`Via: a,
 * b`) is one entry here; the typed accessors of the message split it.
 */
export class SipHeaders implements Iterable<readonly [name: string, value: string]> {
  /** @internal */ readonly names: string[];
  /** @internal */ readonly keys: string[];
  /** @internal */ readonly values: string[];

  /** @internal */
  constructor(names: string[] = [], keys: string[] = [], values: string[] = []) {
    this.names = names;
    this.keys = keys;
    this.values = values;
  }

  /** Builds a collection from `[name, value]` pairs. */
  static from(entries: Iterable<readonly [string, string]>): SipHeaders {
    const headers = new SipHeaders();
    for (const [name, value] of entries) headers.append(name, value);
    return headers;
  }

  /** How many header fields there are. */
  get size(): number {
    return this.names.length;
  }

  /** The value of the first header field named `name`, or undefined. */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name);
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.values[i];
    return undefined;
  }

  /** The values of every header field named `name`, in order. */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name);
    const out: string[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(this.values[i] as string);
    return out;
  }

  /** True when a header field named `name` is present. */
  has(name: string): boolean {
    return this.keys.indexOf(canonicalHeaderName(name)) >= 0;
  }

  /** Adds a header field after the others. */
  append(name: string, value: string): this {
    checkField(name, value);
    const key = canonicalHeaderName(name);
    this.names.push(name);
    this.keys.push(key);
    this.values.push(value);
    this.changed(key);
    return this;
  }

  /**
   * Adds a header field before the first one of the same name, or at the top
   * when there is none (a proxy's new Via, RFC 3261 §16.6 step 8).
   */
  prepend(name: string, value: string): this {
    checkField(name, value);
    const key = canonicalHeaderName(name);
    let at = this.keys.indexOf(key);
    if (at < 0) at = 0;
    this.names.splice(at, 0, name);
    this.keys.splice(at, 0, key);
    this.values.splice(at, 0, value);
    this.changed(key);
    return this;
  }

  /** Replaces every header field named `name` with one, at the place of the first (or at the end). */
  set(name: string, value: string): this {
    checkField(name, value);
    const key = canonicalHeaderName(name);
    const at = this.keys.indexOf(key);
    if (at < 0) return this.append(name, value);
    this.#removeKey(key, at + 1);
    this.names[at] = name;
    this.values[at] = value;
    this.changed(key);
    return this;
  }

  /** Removes every header field named `name`; returns how many were removed. */
  delete(name: string): number {
    const key = canonicalHeaderName(name);
    const removed = this.#removeKey(key, 0);
    if (removed > 0) this.changed(key);
    return removed;
  }

  /** Removes the first header field named `name` (a proxy removing its own Route or Via); true when one was removed. */
  deleteFirst(name: string): boolean {
    const key = canonicalHeaderName(name);
    const at = this.keys.indexOf(key);
    if (at < 0) return false;
    this.names.splice(at, 1);
    this.keys.splice(at, 1);
    this.values.splice(at, 1);
    this.changed(key);
    return true;
  }

  /** Every header field in order, as `[name as written, value]`. */
  *[Symbol.iterator](): IterableIterator<readonly [string, string]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i] as string, this.values[i] as string];
  }

  /** Every header field in order, as `[name as written, value]`. */
  entries(): Array<readonly [string, string]> {
    return [...this];
  }

  /** A copy that shares nothing with this collection. */
  clone(): SipHeaders {
    return new SipHeaders(this.names.slice(), this.keys.slice(), this.values.slice());
  }

  /** @internal Called with the key of every changed header, so that subclasses can drop what they derived from it. */
  protected changed(_key: string): void {}

  #removeKey(key: string, from: number): number {
    let removed = 0;
    for (let i = this.keys.length - 1; i >= from; i--) {
      if (this.keys[i] === key) {
        this.names.splice(i, 1);
        this.keys.splice(i, 1);
        this.values.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }
}

/**
 * Refuses a header name that is not a token, or a value that would break
 * the framing of the message it is written into (CR, LF or NUL).
 */
function checkField(name: string, value: string): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name))
    throw new TypeError(`header name is not a token: ${JSON.stringify(name)}`);
  if (/[\r\n]/.test(value)) throw new TypeError(`header value of ${name} holds CR or LF`);
}
