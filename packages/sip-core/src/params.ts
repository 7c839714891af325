/**
 * An ordered list of `;name=value` parameters (URI parameters, URI headers,
 * header parameters). Names keep the case they were written in and are
 * looked up case-insensitively (RFC 3261 §19.1.4, §7.3.1). A parameter
 * written without a value (`;lr`) has the value `null`. Values are kept as
 * written: escapes and quotes stay, so a list serializes back unchanged.
 *
 * Instances are immutable; {@link Params.with} and {@link Params.without}
 * return new lists.
 */
export class Params implements Iterable<readonly [name: string, value: string | null]> {
  /** The empty list. */
  static readonly EMPTY: Params = new Params([]);

  /** Flat storage: name, value, name, value…; built from `#text` on first use. */
  #flat: ReadonlyArray<string | null> | undefined;
  /** Unparsed text already checked by the grammar: `;a=b;c` (URI parameters) or `a=b&c=d` (URI headers). */
  readonly #text: string | undefined;

  /**
   * @internal Builds a list from flat `[name, value, name, value…]` storage,
   * taken as is, or from parameter (`;a=b;c`, values without quotes: URI
   * parameters, canonical header parameters) or URI header (`a=b&c=d`) text
   * that the grammar has already checked; that text is split on first use.
   */
  constructor(flat: ReadonlyArray<string | null> | string) {
    if (typeof flat === 'string') {
      this.#text = flat;
      this.#flat = undefined;
    } else {
      this.#text = undefined;
      this.#flat = flat;
    }
  }

  get #list(): ReadonlyArray<string | null> {
    return (this.#flat ??= splitText(this.#text as string));
  }

  /** Builds a list from name/value pairs. */
  static from(entries: Iterable<readonly [string, string | null]>): Params {
    const flat: Array<string | null> = [];
    for (const [name, value] of entries) flat.push(name, value);
    return flat.length === 0 ? Params.EMPTY : new Params(flat);
  }

  /** How many parameters the list holds. */
  get size(): number {
    return this.#list.length >> 1;
  }

  /** The value of the first parameter named `name`: a string, `null` for a flag, `undefined` when absent. */
  get(name: string): string | null | undefined {
    const i = this.#indexOf(name);
    return i < 0 ? undefined : this.#list[i + 1];
  }

  /** True when a parameter named `name` is present. */
  has(name: string): boolean {
    return this.#indexOf(name) >= 0;
  }

  /** A new list with `name` set to `value` (replacing the first one of that name, or appended). */
  with(name: string, value: string | null): Params {
    const flat = this.#list.slice();
    const i = this.#indexOf(name);
    if (i < 0) flat.push(name, value);
    else flat[i + 1] = value;
    return new Params(flat);
  }

  /** A new list without any parameter named `name`. */
  without(name: string): Params {
    if (this.#indexOf(name) < 0) return this;
    const flat: Array<string | null> = [];
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (!sameName(list[i] as string, name)) flat.push(list[i] as string, list[i + 1] ?? null);
    }
    return flat.length === 0 ? Params.EMPTY : new Params(flat);
  }

  /** The parameters in order, as `[name, value]` pairs. */
  *[Symbol.iterator](): IterableIterator<readonly [string, string | null]> {
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) yield [list[i] as string, list[i + 1] ?? null];
  }

  /** The parameters in order, as `[name, value]` pairs. */
  entries(): Array<readonly [string, string | null]> {
    return [...this];
  }

  /** True when both lists hold the same parameters in the same order, names compared case-insensitively. */
  equals(other: Params): boolean {
    const a = this.#list;
    const b = other.#list;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 2) {
      if (!sameName(a[i] as string, b[i] as string) || a[i + 1] !== b[i + 1]) return false;
    }
    return true;
  }

  /**
   * Serializes the list with `separator` before each parameter (`;` for
   * parameters) or between them (`?`/`&` for URI headers when `joiner` is given).
   */
  toString(separator = ';'): string {
    const text = this.#text;
    if (text !== undefined && this.#flat === undefined) {
      const uriParams = text.charCodeAt(0) === 59;
      if (uriParams && separator === ';') return text;
      if (!uriParams && separator === '&') return '&' + text;
    }
    const list = this.#list;
    let out = '';
    for (let i = 0; i < list.length; i += 2) {
      const value = list[i + 1];
      out += separator + (list[i] as string) + (value === null || value === undefined ? '' : '=' + value);
    }
    return out;
  }

  #indexOf(name: string): number {
    const list = this.#list;
    for (let i = 0; i < list.length; i += 2) {
      if (sameName(list[i] as string, name)) return i;
    }
    return -1;
  }
}

/** Splits checked `;a=b;c` or `a=b&c=d` text into flat storage. */
function splitText(text: string): Array<string | null> {
  const flat: Array<string | null> = [];
  const uriParams = text.charCodeAt(0) === 59;
  const parts = text.split(uriParams ? ';' : '&');
  for (let i = uriParams ? 1 : 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    if (eq < 0) flat.push(part, null);
    else flat.push(part.slice(0, eq), part.slice(eq + 1));
  }
  return flat;
}

function sameName(a: string, b: string): boolean {
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}
