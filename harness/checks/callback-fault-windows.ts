import type { FaultRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';

/** One of the harness's own faults on the callback path, from its start record to its heal. */
export interface FaultWindow {
  toxic: string;
  type: string;
  start: number;
  /** The heal's time, or the end of the history when no heal was recorded. */
  end: number;
  /**
   * True when the fault leaves no record per attempt (TCP-level toxics, a downed proxy): the attempts
   * it eats are invisible, so an event's attempt count cannot be trusted while it was active.
   */
  unseen: boolean;
}

/** http_* faults record a decision per request; everything else acts on bytes and records nothing. */
const recordsEachAttempt = (type: string): boolean => type.startsWith('http_');

/** The callback-path fault windows of a run, in start order. */
export function callbackFaultWindows(view: HistoryView): FaultWindow[] {
  const open = new Map<string, FaultRecord>();
  const windows: FaultWindow[] = [];
  const close = (start: FaultRecord, end: number): void => {
    windows.push({ toxic: start.toxic, type: start.type, start: start.time, end, unseen: !recordsEachAttempt(start.type) });
  };
  for (const f of view.faults) {
    if (f.path !== 'callbacks') continue;
    if (f.phase === 'start') open.set(f.toxic, f);
    else {
      const start = open.get(f.toxic);
      if (start) close(start, f.time);
      open.delete(f.toxic);
    }
  }
  for (const start of open.values()) close(start, view.endTime);
  return windows.sort((a, b) => a.start - b.start);
}

/** Whether [from, to] overlaps the window. */
export const overlaps = (w: FaultWindow, from: number, to: number): boolean => w.start <= to && w.end >= from;
