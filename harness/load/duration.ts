/**
 * k6 duration strings (`500ms`, `10s`, `1m30s`, `2h`), as scenarios and thresholds write them.
 * A bare number means milliseconds for k6's JS options; we accept it the same way.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, us: 0.001, µs: 0.001 };
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|s|m|h)/y;

/** Milliseconds for a k6 duration, or undefined when the text is not one. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = PART.exec(text)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  return consumed === text.length ? total : undefined;
}
