import type { Attributes, ToxicDefinition } from './toxics/types.js';

export type Stream = 'upstream' | 'downstream';

/** The settings every toxic shares (Toxiproxy's ToxicWrapper); the definition does the work. */
export interface ToxicWrapper {
  /** Unique within its proxy; default `TYPE_STREAM`. */
  readonly name: string;
  readonly type: string;
  /** `downstream`: upstream → client; `upstream`: client → upstream. */
  readonly stream: Stream;
  /** Share of connections (TCP) or requests (http_*) it applies to, 0..1; updatable. */
  toxicity: number;
  /** Validated and defaulted; replaced whole on update, read live by running stages. */
  attributes: Attributes;
  /** The registry entry that does the work. */
  readonly definition: ToxicDefinition;
  /** performance.now() at creation: `window` selection is relative to it. */
  readonly createdAt: number;
}

/** The JSON Toxiproxy answers for a toxic, in its field order. */
export function toxicJson(toxic: ToxicWrapper): Record<string, unknown> {
  return { attributes: toxic.attributes, name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: toxic.toxicity };
}
