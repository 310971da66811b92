import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BUILTIN_PROFILES, loadProfile } from '../config/profile.js';
import { InfraError } from '../errors.js';
import { compileK6Script, secretHeaderEnv } from './k6-script.js';
import { k6OperatorManifests } from './k6-operator.js';
import { loadLoadScenario } from './load-scenario.js';

export interface ExportOptions {
  scenarioFile: string;
  k6File?: string;
  operatorDir?: string;
  parallelism: number;
  target?: string;
  profile?: string;
  seed?: number;
}

/** Placeholder target for exported scripts; real runs set PAYHARNESS_TARGET. */
export const DEFAULT_EXPORT_TARGET = 'http://127.0.0.1:4010';

/** `payharness load export`: the k6 script and/or the k6-operator manifests; returns the files written. */
export function exportLoad(options: ExportOptions): string[] {
  const plan = loadLoadScenario(options.scenarioFile);
  const ref = options.profile ?? plan.scenario.profile ?? 'sandbox';
  const profile = BUILTIN_PROFILES[ref] || options.profile ? loadProfile(ref) : loadProfile(path.resolve(path.dirname(plan.file), ref));
  const seed = options.seed ?? plan.scenario.seed ?? 1;
  const runId = `k6-${randomBytes(3).toString('hex')}`;
  const target = options.target ?? DEFAULT_EXPORT_TARGET;
  const script = compileK6Script(plan, profile, { target, seed, runId });
  const written: string[] = [];
  const write = (file: string, text: string): void => {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      writeFileSync(file, text);
    } catch (error) {
      throw new InfraError('E_EXPORT_WRITE', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { hint: 'check the path and that the directory is writable' });
    }
    written.push(file);
  };
  if (options.k6File) write(options.k6File, script);
  if (options.operatorDir) {
    const manifests = k6OperatorManifests({ name: plan.scenario.name, script, parallelism: options.parallelism, target, runId, seed, secretEnv: Object.keys(secretHeaderEnv(profile)) });
    write(path.join(options.operatorDir, 'configmap.yaml'), manifests.configMap);
    write(path.join(options.operatorDir, 'testrun.yaml'), manifests.testRun);
  }
  return written;
}
