import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InfraError, UsageError } from '../errors.js';

/** The parts of an OpenAPI 3 document a profile draft reads; everything else is ignored. */
export interface OpenApiSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  description?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  $ref?: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string };
  paths: Record<string, Record<string, OpenApiOperation | OpenApiParameter[] | undefined>>;
  components?: { schemas?: Record<string, OpenApiSchema>; securitySchemes?: Record<string, { type?: string; scheme?: string; in?: string; name?: string }> };
}

/** Reads the document's text from a file or an http(s) URL; unreachable is infrastructure (exit 4), unreadable is bad input. */
async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' } });
    } catch (error) {
      const inner = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = inner?.code ?? inner?.message ?? (error as Error).message;
      throw new InfraError('E_OPENAPI_FETCH', `cannot fetch the OpenAPI document at ${source}: ${cause}`, {
        hint: 'check that the API is running and serves its OpenAPI document there (FastAPI: /openapi.json, Spring: /v3/api-docs)',
      });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new InfraError('E_OPENAPI_FETCH', `fetching the OpenAPI document at ${source} answered ${res.status}`, {
        hint: 'give the URL that serves the document itself (FastAPI: /openapi.json, Spring: /v3/api-docs), or a saved file',
      });
    }
    return text;
  }
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError('E_OPENAPI_READ', `cannot read the OpenAPI document ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'give a path to an OpenAPI 3 file (JSON or YAML) or an http(s) URL that serves one',
    });
  }
}

/** Loads and checks an OpenAPI 3 document (JSON or YAML, file or URL). */
export async function loadOpenApi(source: string): Promise<OpenApiDocument> {
  const text = await readSource(source);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageError('E_OPENAPI_PARSE', `${source} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'give the OpenAPI document itself, not an HTML page about it',
    });
  }
  const record = (doc ?? {}) as Record<string, unknown>;
  if (typeof record !== 'object' || typeof record.openapi !== 'string' || !record.openapi.startsWith('3.')) {
    const swagger = typeof record === 'object' && record.swagger !== undefined;
    throw new UsageError('E_OPENAPI_VERSION', `${source} is not an OpenAPI 3 document${swagger ? ` (it is Swagger ${String(record.swagger)})` : ''}`, {
      hint: swagger ? 'convert it to OpenAPI 3 first (e.g. with swagger2openapi)' : 'the document must have an `openapi: 3.x` field',
    });
  }
  if (!record.paths || typeof record.paths !== 'object' || Object.keys(record.paths).length === 0) {
    throw new UsageError('E_OPENAPI_EMPTY', `${source} declares no paths, so there is nothing to draft a profile from`, {
      hint: 'give the full document of the payment API',
    });
  }
  return doc as OpenApiDocument;
}

/**
 * A schema with local `$ref`s followed and `allOf` merged (one level of properties is what a draft
 * needs). External references are left as they are: the draft marks what it cannot see.
 */
export function resolveSchema(doc: OpenApiDocument, schema: OpenApiSchema | undefined, seen: ReadonlySet<string> = new Set()): OpenApiSchema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref);
    if (!m || seen.has(m[1]!)) return undefined;
    return resolveSchema(doc, doc.components?.schemas?.[m[1]!], new Set([...seen, m[1]!]));
  }
  const parts = schema.allOf ?? schema.anyOf ?? schema.oneOf;
  if (!parts) return schema;
  const merged: OpenApiSchema = { ...schema, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
  delete merged.allOf;
  delete merged.anyOf;
  delete merged.oneOf;
  for (const part of parts) {
    const resolved = resolveSchema(doc, part, seen);
    if (!resolved) continue;
    Object.assign(merged.properties!, resolved.properties);
    merged.required!.push(...(resolved.required ?? []));
    merged.type ??= resolved.type;
    merged.enum ??= resolved.enum;
    merged.format ??= resolved.format;
    merged.pattern ??= resolved.pattern;
    merged.example ??= resolved.example;
    merged.items ??= resolved.items;
  }
  return merged;
}

/** The name a schema `$ref` points at (`Payment`), for telling "the same resource" apart. */
export function refName(schema: OpenApiSchema | undefined): string | undefined {
  return schema?.$ref?.split('/').pop();
}
