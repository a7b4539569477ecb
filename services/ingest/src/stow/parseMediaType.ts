export interface MediaType {
  /** `type/subtype`, lower case. */
  type: string;
  /** Parameter names in lower case; values unquoted, case kept (boundaries are case-sensitive). */
  parameters: Map<string, string>;
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a Content-Type value (RFC 9110 §8.3.1): `type/subtype *( ; name=value )` where a value is
 * a token or a quoted string with backslash escapes. Returns null when it cannot be read.
 */
export function parseMediaType(value: string): MediaType | null {
  const mediaType = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/.exec(value);
  if (!mediaType?.[1]) return null;
  const parameters = new Map<string, string>();
  let rest = value.slice(mediaType[0].length);
  while (rest.length > 0) {
    const separator = /^;\s*/.exec(rest);
    if (!separator) return null;
    rest = rest.slice(separator[0].length);
    if (rest.length === 0) break; // a trailing ';' is harmless
    const name = token.exec(rest)?.[0];
    if (!name || rest[name.length] !== '=') return null;
    rest = rest.slice(name.length + 1);
    let parameterValue: string;
    if (rest.startsWith('"')) {
      const quoted = readQuoted(rest);
      if (!quoted) return null;
      parameterValue = quoted.value;
      rest = rest.slice(quoted.length);
    } else {
      // Lenient: unquoted boundaries with `/` or `=` (not token characters) are common.
      parameterValue = /^[^;\s]*/.exec(rest)?.[0] ?? '';
      rest = rest.slice(parameterValue.length);
    }
    rest = rest.replace(/^\s+/, '');
    const key = name.toLowerCase();
    if (!parameters.has(key)) parameters.set(key, parameterValue);
  }
  return { type: mediaType[1].toLowerCase(), parameters };
}

function readQuoted(text: string): { value: string; length: number } | null {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') {
      i += 1;
      value += text[i] ?? '';
    } else if (char === '"') {
      return { value, length: i + 1 };
    } else {
      value += char;
    }
  }
  return null;
}
