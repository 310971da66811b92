import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ErrorObject } from 'ajv';

/** A parsed YAML file that can say where any value came from. */
export interface LocatedDocument {
  file: string;
  value: unknown;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** YAML syntax problems, already located; non-empty means `value` is not to be trusted. */
  syntaxProblems: string[];
}

export function parseLocated(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]} (hint: fix the YAML syntax here; indentation and "key: value" pairs are the usual cause)`;
  });
  return { file, value: syntaxProblems.length ? undefined : doc.toJS(), doc, lineCounter, syntaxProblems };
}

function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The YAML node at a JSON pointer (or the deepest ancestor found), and the key node when asked. */
function nodeAt(doc: Document.Parsed, pointer: string, key?: string): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = isNode(node) ? node : undefined;
  const path = segments(pointer);
  if (key !== undefined) path.push(key);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
      if (!pair) return last;
      // For the final segment of an unknown-key error point at the key itself.
      if (key !== undefined && i === path.length - 1 && isNode(pair.key)) return pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else return last;
    if (isNode(node)) last = node;
    else return last;
  }
  return last;
}

/** `file:line:col` for a JSON pointer into the document. */
export function locate(located: LocatedDocument, pointer: string, key?: string): string {
  const node = nodeAt(located.doc, pointer, key);
  const offset = node?.range?.[0] ?? 0;
  const pos = located.lineCounter.linePos(offset);
  return `${located.file}:${pos.line}:${pos.col}`;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** "did you mean X?" for a misspelt name, when one is close. */
export function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? `did you mean "${best}"? ` : '';
}

/** Known property names of the schema at an error, for hints. */
function knownKeys(error: ErrorObject): string[] {
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ? Object.keys(schema.properties) : [];
}

/**
 * What a pattern asks for, in words with an example that fits the field: the profile and scenario
 * schemas use a few patterns, each for one kind of value. Others say the pattern itself.
 */
const PATTERN_HINTS: Record<string, string> = {
  '^\\$': 'a JSON path starts with "$", e.g. $.id, $.data[0].amount or $.error.code',
  '^/': 'a path on the target starts with "/", e.g. /v1/payments/{id}/capture; the host comes from --target',
  '^[A-Z]{3}$': 'an ISO 4217 currency code in upper case, e.g. EUR or JPY; to send it as "eur", add placeholders: {currency: {case: lower}}',
  '^[a-z0-9][a-z0-9-]*$': 'a name of lower-case letters, digits and dashes, e.g. lost-responses',
  '^[A-Za-z0-9_-]+$': 'a name of letters, digits, "_" and "-", e.g. drop-callbacks',
};

export function patternHint(pattern: string): string {
  return PATTERN_HINTS[pattern] ?? `it must match ${pattern}`;
}

/** One located, human sentence per ajv error, with a hint; noise from `oneOf`/`if` branches dropped. */
export function describeAjvErrors(located: LocatedDocument, errors: readonly ErrorObject[]): string[] {
  const out = new Set<string>();
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword));
  for (const e of specific.length ? specific : errors) {
    const where = e.instancePath || '(top level)';
    const params = e.params as Record<string, unknown>;
    let line: string;
    if (e.keyword === 'additionalProperties') {
      const key = String(params.additionalProperty);
      const known = knownKeys(e);
      line = `${locate(located, e.instancePath, key)}: unknown key "${key}" in ${where} (hint: ${suggest(key, known)}allowed keys: ${known.join(', ')})`;
    } else if (e.keyword === 'required') {
      line = `${locate(located, e.instancePath)}: ${where} is missing "${String(params.missingProperty)}" (hint: add ${String(params.missingProperty)}: …)`;
    } else if (e.keyword === 'enum') {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const actual = String(valueAt(located.value, e.instancePath));
      line = `${locate(located, e.instancePath)}: ${where} is "${actual}", which is not one of the allowed values (hint: ${suggest(actual, allowed)}use one of: ${allowed.join(', ')})`;
    } else if (e.keyword === 'type') {
      line = `${locate(located, e.instancePath)}: ${where} must be ${String(params.type)} (hint: got ${JSON.stringify(valueAt(located.value, e.instancePath)) ?? 'nothing'})`;
    } else if (e.keyword === 'pattern') {
      line = `${locate(located, e.instancePath)}: ${where} is ${JSON.stringify(valueAt(located.value, e.instancePath))}, which does not have the expected form (hint: ${patternHint(String(params.pattern))})`;
    } else {
      line = `${locate(located, e.instancePath)}: ${where} ${e.message ?? 'is invalid'} (hint: got ${JSON.stringify(valueAt(located.value, e.instancePath)) ?? 'nothing'})`;
    }
    out.add(line);
  }
  return [...out];
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of segments(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
