/** One decision an HTTP toxic took; served by `GET /events?since=`. */
export interface FaultEvent {
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  proxy: string;
  toxic: string;
  type: string;
  action: 'duplicate' | 'drop_response' | 'drop_request' | 'status' | 'delay';
  method: string;
  path: string;
  /** The request's key as sent (key_header, else key_path in the body), when it has one. */
  idempotency_key?: string;
  /** Keyed requests: 1 for the first request with this method and key at this toxic, 2 for its retry, … */
  occurrence?: number;
}

/** Keeps the most recent events; `seq` keeps counting so a reader never sees one twice. */
export class EventLog {
  private readonly events: FaultEvent[] = [];
  private seq = 0;

  constructor(private readonly capacity = 100_000) {}

  append(event: Omit<FaultEvent, 'seq' | 'time'>): FaultEvent {
    const recorded: FaultEvent = { seq: ++this.seq, time: Date.now(), ...event };
    this.events.push(recorded);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    return recorded;
  }

  /** Events after `since`, and the `since` to ask with next time. */
  since(since: number): { events: FaultEvent[]; next: number } {
    const events = this.events.filter((event) => event.seq > since);
    return { events, next: events.length > 0 ? events[events.length - 1].seq : Math.max(since, 0) };
  }
}
