const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "30m", "1.5h", "2s", "500ms" → milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  const unit = UNITS[match[2]];
  return unit === undefined ? null : Math.round(Number(match[1]) * unit);
}
