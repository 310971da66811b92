import type { OpenApiDocument, OpenApiOperation, OpenApiSchema } from './openapi-read.js';
import { resolveSchema } from './openapi-read.js';

/** Finding a payment API's operations and fields in an OpenAPI document, and noting each guess. */

/** A note attached to a key of the draft: `path` is the key's path from the top. */
export interface DraftNote {
  path: (string | number)[];
  text: string;
}

export interface Found {
  path: string;
  method: string;
  op: OpenApiOperation;
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const RESOURCE = /payment|charge|transaction|intent|order/i;

export function operations(doc: OpenApiDocument): Found[] {
  const out: Found[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of VERBS) {
      const op = item[method] as OpenApiOperation | undefined;
      if (op) out.push({ path, method, op });
    }
  }
  return out;
}

export const lastSegment = (path: string): string => path.split('?')[0]!.split('/').filter(Boolean).pop() ?? '';
const isParam = (segment: string): boolean => /^\{.+\}$/.test(segment);

/** The payments collection: a POST on a path whose last segment names a payment-like resource. */
export function findCollection(all: Found[]): string | undefined {
  const candidates = all
    .filter((f) => f.method === 'post' && !isParam(lastSegment(f.path)) && RESOURCE.test(lastSegment(f.path)))
    .map((f) => f.path);
  return candidates.sort((a, b) => a.length - b.length)[0];
}

/** The item path under the collection (`/v1/payments/{payment_id}`). */
export function findItem(all: Found[], collection: string): string | undefined {
  return all.find((f) => f.method === 'get' && f.path.startsWith(`${collection}/`) && isParam(lastSegment(f.path))
    && f.path.slice(collection.length + 1).split('/').length === 1)?.path;
}

export function findAction(all: Found[], item: string | undefined, words: RegExp): Found | undefined {
  return all.find((f) => f.method === 'post' && (item ? f.path.startsWith(`${item}/`) : true) && words.test(lastSegment(f.path)))
    ?? all.find((f) => f.method === 'post' && words.test(f.op.operationId ?? ''));
}

/** `/v1/payments/{payment_id}/capture` → `/v1/payments/{id}/capture` (the item's id placeholder). */
export function templatePath(path: string, item: string | undefined): string {
  if (!item) return path;
  const idSegment = lastSegment(item);
  return path.replace(idSegment, '{id}');
}

export function jsonContent(content: Record<string, { schema?: OpenApiSchema }> | undefined): { type: string; schema?: OpenApiSchema } | undefined {
  if (!content) return undefined;
  const type = Object.keys(content).find((t) => /json/.test(t)) ?? Object.keys(content).find((t) => /form-urlencoded/.test(t)) ?? Object.keys(content)[0];
  return type ? { type, schema: content[type]!.schema } : undefined;
}

export function successSchema(doc: OpenApiDocument, op: OpenApiOperation): OpenApiSchema | undefined {
  const code = Object.keys(op.responses ?? {}).filter((c) => /^2\d\d$/.test(c)).sort()[0];
  const content = code ? jsonContent(op.responses![code]!.content) : undefined;
  return content?.schema;
}

export const typeOf = (s: OpenApiSchema | undefined): string | undefined => (Array.isArray(s?.type) ? s!.type.find((t) => t !== 'null') : s?.type);

/** Collects the draft's notes and TODOs while the guesses are made. */
export class DraftBuilder {
  readonly notes: DraftNote[] = [];
  readonly todos: (string | number)[][] = [];
  /** Commented-out blocks for the end of the draft: sections it could not guess, with what to fill in. */
  readonly commented: string[][] = [];

  constructor(readonly doc: OpenApiDocument) {}

  note(path: (string | number)[], text: string): void {
    this.notes.push({ path, text });
  }

  todo(path: (string | number)[], text: string): string {
    this.todos.push(path);
    return `TODO ${text}`;
  }

  /** A section the draft leaves out, as comment lines (each starting with a space) telling what to fill in. */
  placeholder(lines: string[]): void {
    this.commented.push(lines);
  }

  resolve(schema: OpenApiSchema | undefined): OpenApiSchema | undefined {
    return resolveSchema(this.doc, schema);
  }

  /** The property of `schema` whose name matches, first by exact names, then by pattern. */
  property(schema: OpenApiSchema | undefined, exact: string[], pattern?: RegExp): string | undefined {
    const names = Object.keys(this.resolve(schema)?.properties ?? {});
    return names.find((n) => exact.includes(n)) ?? (pattern ? names.find((n) => pattern.test(n)) : undefined);
  }

  propertySchema(schema: OpenApiSchema | undefined, name: string): OpenApiSchema | undefined {
    return this.resolve(this.resolve(schema)?.properties?.[name]);
  }
}

