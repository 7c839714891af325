/**
 * Regular expressions for the RFC 3261 §25 rules the parser matches most
 * often. The engine runs them natively, which on the hot path is several
 * times faster than a character loop in JavaScript; each is built from
 * classes that are disjoint from the delimiters around them, so matching is
 * linear in the input and hostile text cannot make it backtrack without end.
 * @internal
 */

/** `token` characters (RFC 3261 §25.1). */
const TOKEN_CHARS = "A-Za-z0-9\\-.!%*_+`'~";
const TOKEN = `[${TOKEN_CHARS}]+`;
/** Whitespace inside a header value, after line folding became a single space. */
const WS = '[ \\t]*';
/** `quoted-string`: qdtext or quoted-pair between quotes (RFC 3261 §25.1), UTF-8 allowed. */
export const QUOTED_SOURCE = '"(?:[^"\\\\\\x00-\\x08\\x0a-\\x1f\\x7f]|\\\\[\\x00-\\x09\\x0b\\x0c\\x0e-\\x7f])*"';
const IPV6_REFERENCE = '\\[[0-9A-Fa-f:.]+\\]';
/** A host as characters; its form (name, IPv4, IPv6) is checked afterwards. */
const HOST = `(?:${IPV6_REFERENCE}|[A-Za-z0-9.\\-]+)`;
const ESCAPED = '%[0-9A-Fa-f]{2}';
const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";

/** `gen-value = token / host / quoted-string`. */
const GEN_VALUE = `(?:${TOKEN}|${QUOTED_SOURCE}|${IPV6_REFERENCE})`;
/** Header parameters: `*( SEMI generic-param )`. */
const HEADER_PARAMS = `(?:${WS};${WS}${TOKEN}(?:${WS}=${WS}${GEN_VALUE})?)*`;
/** Via parameters also take a bare IPv6 address as value (RFC 5118 §4.5 `received`). */
const VIA_PARAMS = `(?:${WS};${WS}${TOKEN}(?:${WS}=${WS}(?:[${TOKEN_CHARS}:]+|${QUOTED_SOURCE}|${IPV6_REFERENCE}))?)*`;

/**
 * One Via entry from `lastIndex`: protocol name, version, transport, host,
 * port, the parameter text, and the comma that may follow (RFC 3261 §20.42).
 */
export const VIA_ENTRY = new RegExp(
  `${WS}(${TOKEN})${WS}/${WS}(${TOKEN})${WS}/${WS}(${TOKEN})[ \\t]+(${HOST})(?:${WS}:${WS}([0-9]+))?(${VIA_PARAMS})${WS}(,|$)`,
  'y',
);

/** One header parameter from `lastIndex`: name and value as written (RFC 3261 §25.1 `generic-param`). */
export const HEADER_PARAM = new RegExp(
  `${WS};${WS}(${TOKEN})(?:${WS}=${WS}([${TOKEN_CHARS}:]+|${QUOTED_SOURCE}|${IPV6_REFERENCE}))?`,
  'y',
);

/** Header parameters and what follows them, from `lastIndex`: the parameter text, then a comma or the end. */
export const HEADER_PARAMS_TAIL = new RegExp(`(${HEADER_PARAMS})${WS}(,|$)`, 'y');

/** A quoted display name followed by `<`, from `lastIndex`. */
export const QUOTED_DISPLAY = new RegExp(`${WS}(${QUOTED_SOURCE})${WS}<`, 'y');

/** An unquoted display name, `*(token LWS)`, followed by `<`, from `lastIndex` (RFC 3261 §25.1). */
export const TOKEN_DISPLAY = new RegExp(`${WS}(${TOKEN}(?:[ \\t]+${TOKEN})*)${WS}<`, 'y');

/** Optional whitespace then `<`, from `lastIndex`. */
export const OPEN_ANGLE = new RegExp(`${WS}<`, 'y');

/** An addr-spec outside angle brackets: it ends at `;`, `,` or whitespace (RFC 3261 §20.10). */
export const BARE_ADDR_SPEC = new RegExp(`${WS}([^;,\\s<>"]+)`, 'y');

const USER = `(?:[${UNRESERVED}&=+$,;?/]|${ESCAPED})+`;
const PASSWORD = `(?:[${UNRESERVED}&=+$,]|${ESCAPED})*`;
const PARAM_CHAR = `(?:[${UNRESERVED}\\[\\]/:&+$]|${ESCAPED})`;
const URI_PARAMS = `(?:;${PARAM_CHAR}+(?:=${PARAM_CHAR}+)?)*`;
const HEADER_CHAR = `(?:[${UNRESERVED}\\[\\]/?:+$]|${ESCAPED})`;
const URI_HEADERS = `${HEADER_CHAR}+=${HEADER_CHAR}*(?:&${HEADER_CHAR}+=${HEADER_CHAR}*)*`;

/**
 * A whole SIP or SIPS URI with its userinfo (RFC 3261 §25.1): scheme, user,
 * password, host, port, parameter text, header text.
 */
export const SIP_URI_WITH_USER = new RegExp(
  `^(sips?):(${USER})(?::(${PASSWORD}))?@(${HOST})(?::([0-9]+))?(${URI_PARAMS})(?:\\?(${URI_HEADERS}))?$`,
  'i',
);

/** A whole SIP or SIPS URI without userinfo: scheme, host, port, parameter text, header text. */
export const SIP_URI_NO_USER = new RegExp(
  `^(sips?):(${HOST})(?::([0-9]+))?(${URI_PARAMS})(?:\\?(${URI_HEADERS}))?$`,
  'i',
);

/** A `method` URI parameter, which a Request-URI may not carry (RFC 3261 §19.1.1 table 1). */
export const METHOD_PARAM = /;method(?:[=;]|$)/i;
