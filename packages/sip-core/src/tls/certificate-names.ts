/**
 * The names of a certificate as node:crypto's `X509Certificate` prints them.
 *
 * `subjectAltName` is a list joined by `, ` (`DNS:a.example.com, URI:sip:a.example.com,
 * IP Address:192.0.2.1`). A name holding a character that would make the list
 * ambiguous (a comma, a quote, a backslash, an apostrophe, a control or a
 * non-ASCII character) is printed, after its prefix, as a JSON string literal
 * (`URI:"sip:a\u002cb.example.com"`), as Node does since its fix of
 * CVE-2021-44532; this is read the way Node's own `tls.checkServerIdentity`
 * reads it.
 *
 * `subject` holds one attribute per line (`CN=…`), several attributes of one
 * relative distinguished name joined by ` + `, each value escaped as RFC 2253
 * §2.4 says (`\,` `\+` `\"` `\\` `\<` `\>` `\;`, a leading `\#` or `\ `, a
 * trailing `\ `) and control characters as `\XX` hex pairs.
 */

/** One subjectAltName entry: its type as Node prints it (`DNS`, `URI`, `IP Address`, `email`, …) and its value. */
export interface AltName {
  readonly type: string;
  readonly value: string;
}

// A JSON string literal at the start of the text (the pattern Node's lib/tls.js uses).
const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

/** The entries of Node's `subjectAltName` text; throws a SyntaxError on text Node does not print. */
export function parseAltNames(text: string): AltName[] {
  const entries: string[] = [];
  let current = '';
  let offset = 0;
  while (offset < text.length) {
    const separator = text.indexOf(',', offset);
    const quote = text.indexOf('"', offset);
    if (quote !== -1 && (separator === -1 || quote < separator)) {
      // A quoted name: its text is one JSON string, commas included.
      current += text.slice(offset, quote);
      const literal = JSON_STRING.exec(text.slice(quote));
      if (literal === null) throw new SyntaxError(`an unterminated quoted name in subjectAltName at ${quote}`);
      current += JSON.parse(literal[0]) as string;
      offset = quote + literal[0].length;
    } else if (separator !== -1) {
      current += text.slice(offset, separator);
      entries.push(current);
      current = '';
      offset = separator + 2;
    } else {
      current += text.slice(offset);
      offset = text.length;
    }
  }
  entries.push(current);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    return colon < 0 ? { type: entry, value: '' } : { type: entry.slice(0, colon), value: entry.slice(colon + 1) };
  });
}

/** The value of the first attribute `type` (`CN`) of Node's `subject` text, unescaped; undefined when there is none. */
export function subjectAttribute(subject: string, type: string): string | undefined {
  for (const line of subject.split('\n')) {
    const attributes = splitUnescaped(line, '+');
    for (let i = 0; i < attributes.length; i++) {
      let attribute = attributes[i] as string;
      // ` + ` joins attributes; a value's own leading or trailing space is escaped, so these spaces are the separator's.
      if (i > 0 && attribute.startsWith(' ')) attribute = attribute.slice(1);
      if (i < attributes.length - 1 && attribute.endsWith(' ')) attribute = attribute.slice(0, -1);
      const equals = attribute.indexOf('=');
      if (equals > 0 && attribute.slice(0, equals) === type) return unescapeDnValue(attribute.slice(equals + 1));
    }
  }
  return undefined;
}

/** Splits at each `separator` not escaped by a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** RFC 2253 §2.4 escapes undone: `\c` is `c`, a run of `\XX` pairs is the UTF-8 bytes they spell. */
function unescapeDnValue(value: string): string {
  return value.replace(/((?:\\[0-9A-Fa-f]{2})+)|\\([\s\S])/g, (_, hex: string | undefined, char: string | undefined) =>
    hex !== undefined ? Buffer.from(hex.replace(/\\/g, ''), 'hex').toString('utf8') : (char as string),
  );
}
