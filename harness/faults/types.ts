/** One attribute of a fault as a scenario writes it; mirrors the proxy's toxic attribute specs. */
export interface FaultAttribute {
  kind: 'int' | 'number' | 'string' | 'boolean' | 'window' | 'header';
  required?: boolean;
  min?: number;
  max?: number;
  oneOf?: readonly string[];
  description: string;
}

/** A fault a scenario can name: a Toxiproxy toxic, an HTTP-level toxic, or a proxy state like `down`. */
export interface FaultDefinition {
  /** The name users write in `type:` (the Toxiproxy toxic type, e.g. `latency`, `http_drop_response`). */
  type: string;
  /**
   * `tcp`: any Toxiproxy; `http`: only the embedded proxy; `proxy`: a proxy setting, not a toxic;
   * `process`: the provider's process (needs `--target-command`), carried out by the run, not the proxy.
   */
  layer: 'tcp' | 'http' | 'proxy' | 'process';
  summary: string;
  attributes: Readonly<Record<string, FaultAttribute>>;
}
