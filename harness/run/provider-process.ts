import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { HistoryRecorder } from '../history/recorder.js';
import { InfraError } from '../errors.js';
import { sleep } from '../workload/sleep.js';
import { groupAlive } from './process-group.js';

export interface ProviderProcessOptions {
  /** The shell command that starts the provider (`--target-command`); run with `sh -c`. */
  command: string;
  /** Where it answers (`--target`): it is ready once any HTTP answer comes from here. */
  url: string;
  /** Its stdout and stderr, every start appended (kept in the run directory). */
  logFile: string;
  recorder: HistoryRecorder;
  /** How long one start may take to answer, ms. Default 60 s (a loaded CI machine starts slowly). */
  readyTimeoutMs?: number;
  /** Told when the provider exits without being asked to (the run goes on; the checks judge what followed). */
  onUnexpectedExit?: (message: string) => void;
}

/** Credentials in URLs (`postgres://user:secret@…`) never reach the log header, the history or messages. */
export function maskCommand(command: string): string {
  return command.replace(/(\/\/[^/:@\s]+):[^@\s/]*@/g, '$1:***@');
}

/**
 * The shell exits first; what it started dies with the SIGKILL too but is reaped a moment later.
 * Waits until the whole group is gone (so a restart never meets the old process on its port).
 */
async function groupGone(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(10);
}

/** Processes this module started and has not seen exit: killed on any exit of ours, however it comes. */
const live = new Set<number>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch { /* already gone */ }
    }
  });
}

/**
 * The provider's process when payharness runs it (`--target-command`): started in its own process
 * group (so a shell's children die with it), waited for until it answers, SIGKILLed by a crash fault
 * and started again with the same command, and always stopped at the end of the run (also on
 * SIGINT: the run's finish stops it; a hard exit kills the group from the exit hook).
 */
export class ProviderProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private logFd?: number;
  /** How many times the command was started. */
  generation = 0;
  private stopping = false;
  private killing = false;
  /** Generations that answered once (an exit before that is reported by `start`). */
  private readonly readyOnce = new Set<number>();

  constructor(private readonly options: ProviderProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the command and resolves once it answers at `url`; exit 4 when it exits first or never answers. */
  async start(signal: AbortSignal, reason = 'start'): Promise<void> {
    this.generation++;
    this.logFd ??= openSync(this.options.logFile, 'a');
    writeSync(this.logFd, `--- payharness: ${reason} #${this.generation} at ${new Date().toISOString()}: ${maskCommand(this.options.command)}\n`);
    const child = spawn('sh', ['-c', this.options.command], { detached: true, stdio: ['ignore', this.logFd, this.logFd] });
    this.child = child;
    const generation = this.generation;
    let exitCode: number | null | undefined;
    let exitSignal: NodeJS.Signals | null | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, sig) => {
        exitCode = code;
        exitSignal = sig;
        if (child.pid) live.delete(child.pid);
        // Exits nobody asked for (not a crash fault, not the end of the run) belong in the history.
        if (this.child === child && !this.stopping && !this.killing && this.readyOnce.has(generation)) {
          this.options.recorder.append({ kind: 'process', event: 'exited', pid: child.pid, generation, exitCode: code, signal: sig });
          this.options.onUnexpectedExit?.(`the provider (--target-command) exited on its own ${sig ? `on ${sig}` : `with code ${code}`}; its output is in ${this.options.logFile}`);
        }
        resolve();
      });
      child.once('error', () => resolve());
    });
    if (child.pid === undefined) {
      throw new InfraError('E_TARGET_COMMAND', `cannot start --target-command (${maskCommand(this.options.command)})`, { hint: 'check the command runs in a shell: sh -c "…"' });
    }
    live.add(child.pid);
    killAllOnExit();
    this.options.recorder.append({ kind: 'process', event: 'started', pid: child.pid, generation });
    const timeoutMs = this.options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exitCode !== undefined || exitSignal !== undefined) {
        this.options.recorder.append({ kind: 'process', event: 'exited', pid: child.pid, generation, exitCode, signal: exitSignal });
        throw new InfraError('E_TARGET_EXITED', `the provider (--target-command) exited ${exitSignal ? `on ${exitSignal}` : `with code ${exitCode}`} before answering at ${this.options.url}`, {
          hint: `its output is in ${this.options.logFile}`,
        });
      }
      if (await this.answers()) break;
      if (signal.aborted) return;
      if (Date.now() > deadline) {
        throw new InfraError('E_TARGET_NOT_READY', `the provider (--target-command) did not answer at ${this.options.url} within ${timeoutMs} ms`, {
          hint: `check --target is where the command makes it listen; its output is in ${this.options.logFile}`,
        });
      }
      await sleep(100, signal);
    }
    this.readyOnce.add(generation);
    this.options.recorder.append({ kind: 'process', event: 'ready', pid: child.pid, generation });
  }

  /** Any HTTP answer counts: the process is up and serving, whatever it thinks of the path. */
  private async answers(): Promise<boolean> {
    try {
      const res = await fetch(this.options.url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  /** SIGKILLs the whole process group (no shutdown hooks run: what a crash is) and waits until it is gone. */
  async kill(details: { toxic?: string; afterOpId?: number } = {}): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    this.killing = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch { /* already gone */ }
    await this.exited;
    await groupGone(child.pid);
    this.killing = false;
    this.options.recorder.append({ kind: 'process', event: 'crashed', pid: child.pid, generation: this.generation, ...details });
  }

  /** Stops it for good: SIGTERM to the group, SIGKILL after `graceMs`; never throws. Closes the log. */
  async stop(graceMs = 3_000): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch { /* already gone */ }
      const gone = await Promise.race([this.exited!.then(() => true), sleep(graceMs).then(() => false)]);
      if (!gone) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch { /* already gone */ }
        await this.exited;
      }
      // SIGTERM reached the whole group; whatever outlives the shell gets SIGKILL.
      if (groupAlive(child.pid)) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
      await groupGone(child.pid);
      this.options.recorder.append({ kind: 'process', event: 'stopped', pid: child.pid, generation: this.generation });
    }
    if (this.logFd !== undefined) {
      closeSync(this.logFd);
      this.logFd = undefined;
    }
  }
}
