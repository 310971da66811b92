/**
 * The toxic scenarios the differential test drives against the embedded proxy and a real
 * Toxiproxy. Each states literally what Toxiproxy 2.12.0 does (read from its source: link.go,
 * toxic_collection.go, toxics/*.go), so the embedded proxy fails the test the day it drifts.
 *
 * The upstream is an echo server that, on data containing `QUIT`, echoes it and closes its side
 * (FIN). Times are ms after t0: the client's connection is up (toxic added `before`), or the
 * toxic was just added to a connection that has already echoed a warm-up (`during`).
 */

export type StreamName = 'upstream' | 'downstream';

export interface ScenarioToxic {
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  stream: StreamName;
  attributes: Record<string, number>;
}

export type ScenarioStep =
  | { at: number; write: string }
  /** The client sends FIN (and keeps reading). */
  | { at: number; halfClose: true }
  /** DELETE the scenario's toxic. */
  | { at: number; remove: true }
  /** POST /reset (every toxic of every proxy removed). */
  | { at: number; reset: true };

/** How the client's connection ended: `fin` (EOF), `rst` (ECONNRESET), `open` (still open when observation ended). */
export type CloseKind = 'fin' | 'rst' | 'open';

export interface ScenarioExpectation {
  /** Everything the client received after t0. */
  bytes: string;
  /** When the last of those bytes arrived (omitted when `bytes` is empty). */
  lastByteAt?: number;
  close: CloseKind;
  /** When the connection closed (omitted for `open`). */
  closeAt?: number;
}

export interface ToxicScenario {
  name: string;
  toxic: ScenarioToxic;
  added: 'before' | 'during';
  steps: ScenarioStep[];
  /** How long after t0 to watch before calling the connection `open`. */
  observeFor: number;
  expect: ScenarioExpectation;
}

const x3000 = 'x'.repeat(3000);
const y100 = 'y'.repeat(100);
const twenty = 'abcdefghijklmnopqrst';

export const TOXIC_SCENARIOS: readonly ToxicScenario[] = [
  // latency: every chunk waits `latency` from when it was read; an interrupt sends what it holds at once.
  {
    name: 'latency downstream, added before',
    toxic: { type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: 'hello', lastByteAt: 300, close: 'open' },
  },
  {
    name: 'latency upstream, added during',
    toxic: { type: 'latency', stream: 'upstream', attributes: { latency: 300, jitter: 0 } },
    added: 'during',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: 'hello', lastByteAt: 300, close: 'open' },
  },
  {
    name: 'latency downstream, removed while holding data',
    toxic: { type: 'latency', stream: 'downstream', attributes: { latency: 1000, jitter: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }, { at: 200, remove: true }],
    observeFor: 700,
    expect: { bytes: 'hello', lastByteAt: 200, close: 'open' },
  },
  {
    name: 'latency upstream, /reset while holding data',
    toxic: { type: 'latency', stream: 'upstream', attributes: { latency: 1000, jitter: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }, { at: 200, reset: true }],
    observeFor: 700,
    expect: { bytes: 'hello', lastByteAt: 200, close: 'open' },
  },
  {
    name: 'latency downstream, client half-closes after the answer',
    toxic: { type: 'latency', stream: 'downstream', attributes: { latency: 200, jitter: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }, { at: 400, halfClose: true }],
    observeFor: 900,
    expect: { bytes: 'hello', lastByteAt: 200, close: 'fin', closeAt: 400 },
  },
  // bandwidth: rate KB/s (1 KB = 1000 B), sent in 100 ms slices of rate × 100 bytes.
  {
    name: 'bandwidth downstream, added before',
    toxic: { type: 'bandwidth', stream: 'downstream', attributes: { rate: 10 } },
    added: 'before',
    steps: [{ at: 0, write: x3000 }],
    observeFor: 700,
    expect: { bytes: x3000, lastByteAt: 300, close: 'open' },
  },
  {
    name: 'bandwidth upstream, added during',
    toxic: { type: 'bandwidth', stream: 'upstream', attributes: { rate: 10 } },
    added: 'during',
    steps: [{ at: 0, write: x3000 }],
    observeFor: 700,
    expect: { bytes: x3000, lastByteAt: 300, close: 'open' },
  },
  {
    name: 'bandwidth downstream, removed mid-transfer sends the rest at once',
    toxic: { type: 'bandwidth', stream: 'downstream', attributes: { rate: 1 } },
    added: 'before',
    steps: [{ at: 0, write: x3000 }, { at: 250, remove: true }],
    observeFor: 700,
    expect: { bytes: x3000, lastByteAt: 250, close: 'open' },
  },
  // slow_close: the end of its stream waits `delay`; removal lets it through at once.
  {
    name: 'slow_close downstream, the upstream closes',
    toxic: { type: 'slow_close', stream: 'downstream', attributes: { delay: 300 } },
    added: 'before',
    steps: [{ at: 0, write: 'QUIT' }],
    observeFor: 800,
    expect: { bytes: 'QUIT', lastByteAt: 0, close: 'fin', closeAt: 300 },
  },
  {
    name: 'slow_close upstream, added during, the client half-closes',
    toxic: { type: 'slow_close', stream: 'upstream', attributes: { delay: 300 } },
    added: 'during',
    steps: [{ at: 0, halfClose: true }],
    observeFor: 800,
    expect: { bytes: '', close: 'fin', closeAt: 300 },
  },
  {
    name: 'slow_close downstream, removed while holding the close',
    toxic: { type: 'slow_close', stream: 'downstream', attributes: { delay: 1000 } },
    added: 'before',
    steps: [{ at: 0, write: 'QUIT' }, { at: 200, remove: true }],
    observeFor: 800,
    expect: { bytes: 'QUIT', lastByteAt: 0, close: 'fin', closeAt: 200 },
  },
  // timeout: drops everything; closes after `timeout` (> 0), on removal or /reset, and at once on a FIN.
  {
    name: 'timeout downstream 300 ms, added before',
    toxic: { type: 'timeout', stream: 'downstream', attributes: { timeout: 300 } },
    added: 'before',
    steps: [{ at: 0, write: 'lost' }],
    observeFor: 800,
    expect: { bytes: '', close: 'fin', closeAt: 300 },
  },
  {
    name: 'timeout upstream 300 ms, added during: counted from when it was added',
    toxic: { type: 'timeout', stream: 'upstream', attributes: { timeout: 300 } },
    added: 'during',
    steps: [{ at: 0, write: 'lost' }],
    observeFor: 800,
    expect: { bytes: '', close: 'fin', closeAt: 300 },
  },
  {
    name: 'timeout upstream 0, added during, removed',
    toxic: { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } },
    added: 'during',
    steps: [{ at: 0, write: 'lost' }, { at: 300, remove: true }],
    observeFor: 800,
    expect: { bytes: '', close: 'fin', closeAt: 300 },
  },
  {
    name: 'timeout downstream 0, /reset',
    toxic: { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'lost' }, { at: 300, reset: true }],
    observeFor: 800,
    expect: { bytes: '', close: 'fin', closeAt: 300 },
  },
  {
    name: 'timeout upstream 0, the client half-closes',
    toxic: { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } },
    added: 'before',
    steps: [{ at: 0, write: 'lost' }, { at: 200, halfClose: true }],
    observeFor: 700,
    expect: { bytes: '', close: 'fin', closeAt: 200 },
  },
  {
    name: 'timeout downstream 0, added during, the upstream closes',
    toxic: { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
    added: 'during',
    steps: [{ at: 0, write: 'QUIT' }],
    observeFor: 600,
    expect: { bytes: '', close: 'fin', closeAt: 0 },
  },
  {
    name: 'timeout 0 with no data stays open',
    toxic: { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
    added: 'before',
    steps: [],
    observeFor: 500,
    expect: { bytes: '', close: 'open' },
  },
  // reset_peer: on the first chunk (or the end) it waits `timeout` and closes; RST only under linger 0.
  {
    name: 'reset_peer downstream, added before: RST',
    toxic: { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 200 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: '', close: 'rst', closeAt: 200 },
  },
  {
    name: 'reset_peer upstream, added before: RST',
    toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 200 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: '', close: 'rst', closeAt: 200 },
  },
  {
    name: 'reset_peer downstream, added during: FIN',
    toxic: { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 200 } },
    added: 'during',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: '', close: 'fin', closeAt: 200 },
  },
  {
    name: 'reset_peer upstream, added during: FIN',
    toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 200 } },
    added: 'during',
    steps: [{ at: 0, write: 'hello' }],
    observeFor: 700,
    expect: { bytes: '', close: 'fin', closeAt: 200 },
  },
  {
    name: 'reset_peer there at the start and removed: the later close is still an RST (linger 0 stays)',
    toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } },
    added: 'before',
    steps: [{ at: 0, remove: true }, { at: 100, write: 'ping' }, { at: 300, halfClose: true }],
    observeFor: 800,
    expect: { bytes: 'ping', lastByteAt: 100, close: 'rst', closeAt: 300 },
  },
  // slicer: average_size ± size_variation byte writes, `delay` µs apart (100 bytes at 10 → 16 slices of 6–7).
  {
    name: 'slicer downstream, added before',
    toxic: { type: 'slicer', stream: 'downstream', attributes: { average_size: 10, size_variation: 0, delay: 20_000 } },
    added: 'before',
    steps: [{ at: 0, write: y100 }],
    observeFor: 700,
    expect: { bytes: y100, lastByteAt: 300, close: 'open' },
  },
  {
    name: 'slicer upstream, added during',
    toxic: { type: 'slicer', stream: 'upstream', attributes: { average_size: 10, size_variation: 0, delay: 20_000 } },
    added: 'during',
    steps: [{ at: 0, write: y100 }],
    observeFor: 700,
    expect: { bytes: y100, lastByteAt: 300, close: 'open' },
  },
  // limit_data: lets `bytes` through on its stream, then closes the connection.
  {
    name: 'limit_data downstream, added before',
    toxic: { type: 'limit_data', stream: 'downstream', attributes: { bytes: 5 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello world' }],
    observeFor: 500,
    expect: { bytes: 'hello', lastByteAt: 0, close: 'fin', closeAt: 0 },
  },
  {
    name: 'limit_data upstream, added before: the echo of the 10 bytes let through comes back',
    toxic: { type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } },
    added: 'before',
    steps: [{ at: 0, write: twenty }],
    observeFor: 500,
    expect: { bytes: twenty.slice(0, 10), lastByteAt: 0, close: 'fin', closeAt: 0 },
  },
  {
    name: 'limit_data downstream, added during counts from when it was added',
    toxic: { type: 'limit_data', stream: 'downstream', attributes: { bytes: 5 } },
    added: 'during',
    steps: [{ at: 0, write: 'hello world' }],
    observeFor: 500,
    expect: { bytes: 'hello', lastByteAt: 0, close: 'fin', closeAt: 0 },
  },
  {
    name: 'limit_data upstream, removed before the limit: data flows on',
    toxic: { type: 'limit_data', stream: 'upstream', attributes: { bytes: 100 } },
    added: 'before',
    steps: [{ at: 0, write: 'hello' }, { at: 100, remove: true }, { at: 200, write: y100 }],
    observeFor: 600,
    expect: { bytes: `hello${y100}`, lastByteAt: 200, close: 'open' },
  },
];
