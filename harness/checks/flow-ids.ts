import type { HistoryRecord } from '../history/types.js';
import type { Flow } from './stream-flows.js';

/** What an id names: each kind has its own table, so no prefixed string is built per record. */
const LOGICAL = 0;
const KEY = 1;
const PAYMENT = 2;
const REFERENCE = 3;
const EVENT = 4;
export const KINDS = 5;

/** Ids a record names, gathered into the partition's scratch arrays (no array per record). */
export class IdScratch {
  readonly kinds: number[] = [];
  readonly values: string[] = [];
  /** The flow each id led to when looked up (undefined: none), so the record's ids are looked up once. */
  readonly found: (Flow | undefined)[] = [];
  count = 0;

  /** Gathers the ids `r` names (opIds are looked up separately); returns how many. */
  fill(r: HistoryRecord): number {
    this.count = 0;
    switch (r.kind) {
      case 'invoke':
        this.put(LOGICAL, r.logicalId);
        if (r.idempotencyKey !== undefined) this.put(KEY, r.idempotencyKey);
        if (r.resourceId !== undefined) this.put(PAYMENT, r.resourceId);
        break;
      case 'complete':
        if (r.resourceId !== undefined) this.put(PAYMENT, r.resourceId);
        break;
      case 'delivery':
        this.put(EVENT, r.eventId);
        if (r.resourceId !== undefined) this.put(PAYMENT, r.resourceId);
        break;
      case 'final-read':
        this.put(PAYMENT, r.resourceId);
        if (r.reference !== undefined) this.put(REFERENCE, r.reference);
        break;
      case 'reference-count':
        this.put(REFERENCE, r.reference);
        if (r.logicalId !== undefined) this.put(LOGICAL, r.logicalId);
        for (const id of r.resourceIds) this.put(PAYMENT, id);
        break;
      case 'fault-decision':
        if (r.idempotencyKey !== undefined) this.put(KEY, r.idempotencyKey);
        break;
      default:
        break;
    }
    return this.count;
  }

  // Slots are overwritten, never cleared: setting an array's length to 0 frees its storage, and this runs for every record.
  private put(kind: number, value: string): void {
    this.kinds[this.count] = kind;
    this.values[this.count++] = value;
  }
}

/** Whether a record belongs to a flow (otherwise it is a fact of the whole run: faults, lag, notes, metrics). */
export function isFlowRecord(r: HistoryRecord): boolean {
  return r.kind === 'invoke' || r.kind === 'complete' || r.kind === 'delivery' || r.kind === 'final-read' || r.kind === 'reference-count'
    || (r.kind === 'fault-decision' && r.idempotencyKey !== undefined);
}
