/**
 * The plug-in contract for toxics. A toxic is one file that describes its attributes (the registry
 * validates them, fills defaults and renders them in the API) and either builds a per-connection
 * byte stage (`tcp`) or decides what to do with one HTTP request (`http`). Settings shared by every
 * toxic (name, stream, toxicity) live in the wrapper (`toxic-collection.ts`), never here.
 */

/** A validated attribute value as it appears in the Toxiproxy JSON. */
export type AttributeValue = number | string | boolean | { from_ms: number; to_ms: number };
export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface AttributeSpec {
  /** `int`: JSON integer (Go int64); `number`: finite; `window`: `{from_ms, to_ms}`; `header`: integer seconds or a string. */
  kind: 'int' | 'number' | 'string' | 'boolean' | 'window' | 'header';
  /** Shown in the API when the user did not set it; absent means "unset, omitted". */
  default?: AttributeValue;
  required?: boolean;
  min?: number;
  max?: number;
  oneOf?: readonly string[];
  /** One line for docs and `payharness proxy --list-toxics`. */
  description: string;
}

/** What a byte stage may do; `push`/`end` go to the next toxic in the chain (or the socket). */
export interface StageEnv {
  /** The toxic's current attributes: live, so an update applies to data not yet handled. */
  readonly attributes: () => Attributes;
  /** Aborted when the toxic is removed or the connection closes: finish (and flush) promptly. */
  readonly signal: AbortSignal;
  /** Seeded randomness for jitter and slicing. */
  readonly random: () => number;
  push(data: Buffer): void;
  /** Pass the end of this stream on (a FIN from the source). */
  end(): void;
  /**
   * Toxiproxy's stub.Close: this stream ends after the data already pushed (the toxics after this one
   * still see the end), everything arriving later is dropped, and the connection closes.
   */
  close(): void;
}

/** One toxic on one direction of one connection; calls are sequential, a promise holds the next chunk. */
export interface ToxicStage {
  onChunk(data: Buffer, receivedAt: number): void | Promise<void>;
  /** The source ended; default forwards the end at once. */
  onEnd?(): void | Promise<void>;
  /** Its toxic was removed while the connection lives (Toxiproxy's Cleanup); `signal` is aborted just after. */
  onRemove?(): void;
}

export interface TcpToxicDefinition {
  /** Acts on bytes, on any Toxiproxy. */
  readonly layer: 'tcp';
  /** The name users write (`reset_peer`); the file is its kebab-case (`reset-peer.ts`). */
  readonly type: string;
  /** One line for help, `chaos list` and docs. */
  readonly summary: string;
  /** In API order; validated and defaulted by the registry. */
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /**
   * Present when a connection starts, every later close of that connection is a reset (RST), as
   * Toxiproxy sets SO_LINGER 0 on both sockets then (whatever the toxicity roll); added later, no effect.
   */
  readonly lingerZero?: boolean;
  /** Called per connection and stream when the toxic applies there; returns its byte stage. */
  createStage(env: StageEnv): ToxicStage;
}

/** What an HTTP toxic does to a request it selected; the HTTP forwarder composes them. */
export type HttpAction =
  | { kind: 'duplicate'; copies: number; delayMs: number }
  | { kind: 'drop_response' }
  | { kind: 'drop_request' }
  | { kind: 'status'; status: number; retryAfter?: string; forward: boolean; body?: string }
  | { kind: 'delay'; delayMs: number; phase: 'request' | 'response' };

export interface HttpToxicDefinition {
  /** Acts on HTTP requests; only the embedded proxy has these. */
  readonly layer: 'http';
  /** The name users write (`http_drop_response`). */
  readonly type: string;
  /** One line for help, `chaos list` and docs. */
  readonly summary: string;
  /** Only this toxic's own attributes; the selection attributes are added by the registry. */
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Called for each request the toxic selected; returns what to do with it. */
  action(attributes: Attributes): HttpAction;
}

export type ToxicDefinition = TcpToxicDefinition | HttpToxicDefinition;
