import { badBody, invalidStream, invalidToxicType, toxicAlreadyExists, toxicNotFound } from './api-error.js';
import { resolveAttributes } from './attributes.js';
import { attributeSpecs, findToxic } from './toxics/index.js';
import type { Stream, ToxicWrapper } from './toxic-wrapper.js';

/** Told of every toxic added or removed, so live connections see the change at once. */
export interface ToxicListener {
  addToxic(toxic: ToxicWrapper): void;
  removeToxic(toxic: ToxicWrapper): void;
}

const CREATE_FIELDS = new Set(['name', 'type', 'stream', 'toxicity', 'attributes']);

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badBody(`expected a JSON object, got ${Array.isArray(body) ? 'an array' : JSON.stringify(body)}`);
  }
  const object = body as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!CREATE_FIELDS.has(key)) throw badBody(`unknown field ${key} (a toxic has ${[...CREATE_FIELDS].join(', ')})`);
  }
  return object;
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw badBody(`toxicity must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  // Toxiproxy stores a float32; round-trip so 0.1 reads back as 0.1 in both.
  return Math.fround(value) === value ? value : Number(Math.fround(value).toPrecision(7));
}

/**
 * A proxy's toxics, one ordered chain per stream (Toxiproxy lists upstream first, then downstream,
 * each in the order added). Every change is pushed to the live connections at once.
 */
export class ToxicCollection {
  private readonly chains: Record<Stream, ToxicWrapper[]> = { upstream: [], downstream: [] };

  constructor(private readonly listener: ToxicListener) {}

  list(): ToxicWrapper[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  find(name: string): ToxicWrapper | undefined {
    return this.chains.upstream.find((t) => t.name === name) ?? this.chains.downstream.find((t) => t.name === name);
  }

  hasHttp(): boolean {
    return this.list().some((toxic) => toxic.definition.layer === 'http');
  }

  add(body: unknown): ToxicWrapper {
    const input = asObject(body);
    const stream = input.stream === undefined || input.stream === null ? 'downstream' : input.stream;
    if (typeof stream !== 'string' || !['upstream', 'downstream'].includes(stream.toLowerCase())) throw invalidStream();
    const type = input.type;
    if (input.name !== undefined && input.name !== null && typeof input.name !== 'string') throw badBody('name must be a string');
    const name = typeof input.name === 'string' && input.name !== '' ? input.name : `${String(type ?? '')}_${stream}`;
    const definition = typeof type === 'string' ? findToxic(type) : undefined;
    if (!definition) throw invalidToxicType();
    if (this.find(name)) throw toxicAlreadyExists();
    const toxic: ToxicWrapper = {
      name,
      type: definition.type,
      stream: stream.toLowerCase() as Stream,
      toxicity: parseToxicity(input.toxicity, 1),
      attributes: resolveAttributes(definition.type, attributeSpecs(definition), input.attributes, undefined),
      definition,
      createdAt: performance.now(),
    };
    this.chains[toxic.stream].push(toxic);
    this.listener.addToxic(toxic);
    return toxic;
  }

  /** POST/PATCH: merges attributes and toxicity; name, type and stream may be repeated but not changed. */
  update(name: string, body: unknown): ToxicWrapper {
    const toxic = this.find(name);
    if (!toxic) throw toxicNotFound();
    const input = asObject(body);
    for (const field of ['name', 'type', 'stream'] as const) {
      // Go clients send every field, unset ones as "" — only a real change is refused.
      if (input[field] !== undefined && input[field] !== null && input[field] !== '' && input[field] !== toxic[field]) {
        throw badBody(`${field} of an existing toxic cannot change (delete it and create a new one)`);
      }
    }
    const attributes = resolveAttributes(toxic.type, attributeSpecs(toxic.definition), input.attributes, toxic.attributes);
    toxic.toxicity = parseToxicity(input.toxicity, toxic.toxicity);
    toxic.attributes = attributes;
    return toxic;
  }

  remove(name: string): void {
    const toxic = this.find(name);
    if (!toxic) throw toxicNotFound();
    const chain = this.chains[toxic.stream];
    chain.splice(chain.indexOf(toxic), 1);
    this.listener.removeToxic(toxic);
  }

  reset(): void {
    for (const toxic of this.list()) this.remove(toxic.name);
  }
}
