import type { Socket } from 'node:net';
import { Link } from '../link.js';
import type { ProxyContext } from '../proxy.js';
import type { ToxicWrapper } from '../toxic-wrapper.js';

/** Placeholder until the HTTP forwarder lands: behaves as a plain link. */
export class HttpConnection extends Link {
  constructor(_proxy: string, client: Socket, upstream: Socket, toxics: readonly ToxicWrapper[], context: ProxyContext, onClosed: () => void) {
    super(client, upstream, toxics.filter((t) => t.definition.layer === 'tcp'), context.tcpRandom, onClosed);
  }
}
