import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = '.payharness-sandbox.pid';
/** Directories locked by sandboxes in this process (the pid file cannot tell them apart). */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One sandbox per PGlite data directory: two WASM PostgreSQL instances writing one directory
 * corrupt it. A lock left by a killed sandbox (its pid is gone) is taken over, so SIGKILL restarts
 * work. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new Error(`${dataDir} is in use by another sandbox in this process; close it first or use another --data-dir`);
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(file, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder)) {
    throw new Error(`${dataDir} is in use by another sandbox (pid ${holder}); stop it or use another --data-dir`);
  }
  writeFileSync(file, `${process.pid}\n`);
  heldHere.add(dir);
  return () => {
    heldHere.delete(dir);
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
    } catch {
      // already gone
    }
  };
}
