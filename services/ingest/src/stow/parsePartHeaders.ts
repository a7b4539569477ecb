/**
 * Parses a part's header section (the bytes before the blank line) into lower-case names.
 * Folded continuation lines are joined and repeated fields combined with ", " (RFC 9110 §5.3).
 * Header bytes are read as Latin-1: they are ASCII in practice and this never throws.
 */
export function parsePartHeaders(section: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines: string[] = [];
  for (const line of section.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += ` ${line.trim()}`;
    } else {
      lines.push(line);
    }
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}
