/**
 * The API's own words in an error answer, for messages people act on: the usual places an API puts
 * them (`error.message`, `message`, `detail`, `title`, `error` as text, `errors[0].message`, RFC 9457
 * problem details), else the start of the body text. Never more than `max` characters.
 */
export function answerMessage(body: unknown, max = 200): string | undefined {
  const found = firstText(body);
  if (found === undefined) return undefined;
  const flat = found.replace(/\s+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const PLACES: readonly (readonly string[])[] = [
  ['error', 'message'], ['error', 'detail'], ['message'], ['detail'], ['error_description'], ['title'], ['error'], ['errors', '0', 'message'], ['errors', '0'],
];

function firstText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body === null || typeof body !== 'object') return undefined;
  for (const place of PLACES) {
    let cur: unknown = body;
    for (const step of place) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[step] : undefined;
    if (typeof cur === 'string') return cur;
  }
  return JSON.stringify(body);
}
