/** The figures the progress line shows. */
export interface ProgressFigures {
  scenario: string;
  operations: number;
  faultsActive: number;
  deliveries: number;
  pending: number;
}

/**
 * A live progress line on stderr: rewritten in place on a TTY, a plain line every few seconds
 * otherwise (CI logs). Stops cleanly so the next output starts on a fresh line.
 */
export class ProgressLine {
  private timer?: NodeJS.Timeout;
  private lastPlain = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream | undefined, private readonly read: () => ProgressFigures, private readonly plainEveryMs = 2_000) {}

  start(): void {
    if (!this.stream) return;
    this.timer = setInterval(() => this.draw(), this.stream.isTTY ? 200 : 500);
    this.timer.unref();
  }

  private line(): string {
    const f = this.read();
    return `chaos ${f.scenario}: ${f.operations} operations, ${f.faultsActive} fault${f.faultsActive === 1 ? '' : 's'} active, ${f.deliveries} callbacks received, ${f.pending} pending`;
  }

  private draw(): void {
    if (!this.stream) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${this.line()}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = Date.now();
      this.stream.write(`${this.line()}\n`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stream?.isTTY && this.drawn) this.stream.write('\r\x1b[2K');
  }
}
