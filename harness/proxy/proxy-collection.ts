import { badBody, missingField, proxyAlreadyExists, proxyNotFound } from './api-error.js';
import { parseAddress } from './address.js';
import { Proxy, type ProxyContext } from './proxy.js';

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

const PROXY_FIELDS = ['name', 'listen', 'upstream', 'enabled'];
/** Toxiproxy's Go client (and so toxiproxy-cli) sends the whole proxy back, `toxics` included; it is ignored, as there. */
const IGNORED_FIELDS = ['toxics'];

/**
 * Checks one proxy object of a request body. Toxiproxy ignores unknown fields and wrong types
 * turn into Go decode errors; here each is a 400 naming the field. `where` suffixes /populate errors.
 */
export function parseProxyInput(body: unknown, defaults: Partial<ProxyInput>, where = ''): Partial<ProxyInput> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badBody(`expected a JSON object${where}, got ${Array.isArray(body) ? 'an array' : JSON.stringify(body)}`);
  }
  const input = body as Record<string, unknown>;
  const result: Partial<ProxyInput> = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    if (IGNORED_FIELDS.includes(key) && (value === null || Array.isArray(value))) continue;
    if (!PROXY_FIELDS.includes(key)) throw badBody(`unknown field ${key}${where} (a proxy has ${PROXY_FIELDS.join(', ')})`);
    if (value === null) continue;
    if (key === 'enabled') {
      if (typeof value !== 'boolean') throw badBody(`enabled${where} must be true or false, got ${JSON.stringify(value)}`);
      result.enabled = value;
    } else {
      if (typeof value !== 'string') throw badBody(`${key}${where} must be a string, got ${JSON.stringify(value)}`);
      result[key as 'name' | 'listen' | 'upstream'] = value;
    }
  }
  if (!result.name) throw missingField(`name${where}`);
  if (!result.upstream) throw missingField(`upstream${where}`);
  parseAddress('upstream', result.upstream);
  if (result.listen) parseAddress('listen', result.listen);
  return result;
}

/** All proxies of one server, by name. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly context: ProxyContext) {}

  /** Sorted by name, as Go marshals a map. */
  all(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  async add(input: ProxyInput): Promise<Proxy> {
    if (this.proxies.has(input.name)) throw proxyAlreadyExists();
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.context);
    if (input.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  /** /populate: a proxy with the same name, listen and upstream is kept as it is; otherwise replaced. */
  async addOrReplace(input: ProxyInput): Promise<Proxy> {
    const existing = this.proxies.get(input.name);
    if (existing && existing.listen === input.listen && existing.upstream === input.upstream) return existing;
    if (existing) await this.remove(existing.name);
    return this.add(input);
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /** /reset: every proxy enabled again, every toxic removed. */
  async reset(): Promise<void> {
    for (const proxy of this.all()) {
      await proxy.start();
      proxy.toxics.reset();
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all().map((proxy) => this.remove(proxy.name)));
  }
}
