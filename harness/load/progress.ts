import type { EngineProgress } from './engine.js';
import type { LiveFailure } from '../checks/stream-judge.js';

/**
 * The live progress line, k6 style: `running (02.0s), 03/40 VUs, 115 complete and 0 interrupted
 * iterations` plus one bar per scenario. On a terminal it redraws in place; otherwise it prints a
 * line every few seconds so CI logs stay short.
 */
export function renderProgress(p: EngineProgress): string[] {
  const secs = (p.elapsedMs / 1000).toFixed(1).padStart(4, '0');
  const head = `running (${secs}s), ${String(p.active).padStart(2, '0')}/${String(p.vusMax).padStart(2, '0')} VUs, ${p.completed} complete and ${p.interrupted} interrupted iterations`;
  const width = Math.max(...p.scenarios.map((s) => s.name.length));
  const rows = p.scenarios.map((s) => {
    const pct = s.durationMs > 0 ? Math.min(100, Math.round((s.elapsedMs / s.durationMs) * 100)) : 100;
    const rate = s.elapsedMs > 0 ? ((s.completed + s.active) / (s.elapsedMs / 1000)).toFixed(2) : '0.00';
    return `${s.name.padEnd(width)} [ ${String(pct).padStart(3)}% ] ${String(s.active).padStart(2, '0')}/${String(s.maxVUs).padStart(2, '0')} VUs  ${(s.elapsedMs / 1000).toFixed(1)}s/${(s.durationMs / 1000).toFixed(0)}s  ${rate} iters/s${s.dropped ? `  ${s.dropped} dropped` : ''}`;
  });
  return [head, ...rows];
}

/** The live verdict line of a run judged as it goes: checks that have already found a witness. */
export function renderFailing(failures: readonly LiveFailure[]): string[] {
  if (failures.length === 0) return [];
  return [`FAILING: ${failures.map((f) => `${f.check} (${f.witnesses} witness${f.witnesses === 1 ? '' : 'es'}${f.scenario ? ` in ${f.scenario}` : ''})`).join(', ')}`];
}

export class ProgressPrinter {
  private timer?: NodeJS.Timeout;
  private drawn = 0;
  private ticks = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly read: () => EngineProgress,
    private readonly enabled = true,
    private readonly failing?: () => readonly LiveFailure[],
    /** A line on what the run judges as it goes (soak runs): flows held, payments waiting for their read. */
    private readonly status?: () => string | undefined,
  ) {}

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  private draw(final = false): void {
    this.ticks++;
    const status = this.status?.();
    const lines = [...renderProgress(this.read()), ...(status ? [status] : []), ...renderFailing(this.failing?.() ?? [])];
    if (this.stream.isTTY) {
      if (this.drawn) this.stream.write(`\x1b[${this.drawn}A\x1b[J`);
      this.stream.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
    } else if (final || this.ticks % 5 === 1) {
      this.stream.write(`${lines.join('\n')}\n`);
    }
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw(true);
  }
}
