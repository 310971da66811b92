import type { Attributes, ToxicDefinition } from './toxics/types.js';

export type Stream = 'upstream' | 'downstream';

/** The settings every toxic shares (Toxiproxy's ToxicWrapper); the definition does the work. */
export interface ToxicWrapper {
  readonly name: string;
  readonly type: string;
  readonly stream: Stream;
  toxicity: number;
  attributes: Attributes;
  readonly definition: ToxicDefinition;
  /** performance.now() at creation: `window` selection is relative to it. */
  readonly createdAt: number;
}

/** The JSON Toxiproxy answers for a toxic, in its field order. */
export function toxicJson(toxic: ToxicWrapper): Record<string, unknown> {
  return { attributes: toxic.attributes, name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: toxic.toxicity };
}
