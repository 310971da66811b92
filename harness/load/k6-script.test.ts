import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { loadProfile } from '../config/profile.js';
import { compileK6Script, execName } from './k6-script.js';
import { loadLoadScenario } from './load-scenario.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scenarioDir = path.join(repoRoot, 'scenarios/load');
const k6Types = path.join(repoRoot, 'node_modules/@types/k6');

function scriptsForAllScenarios(): { name: string; script: string }[] {
  return readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const plan = loadLoadScenario(path.join(scenarioDir, f));
      return { name: f.replace(/\.yaml$/, ''), script: compileK6Script(plan, loadProfile('sandbox'), { target: 'http://127.0.0.1:4010', seed: 1 }) };
    });
}

describe('k6 script compiler', () => {
  it('keeps the executors and thresholds exactly as k6 spells them', () => {
    const plan = loadLoadScenario(path.join(scenarioDir, 'standard.yaml'));
    const script = compileK6Script(plan, loadProfile('sandbox'), { target: 'http://127.0.0.1:4010', seed: 1 });
    const optionsText = /export const options = (\{[\s\S]*?\n\});/.exec(script)![1]!;
    const options = JSON.parse(optionsText) as { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, unknown> };
    expect(options.scenarios.create_payments).toEqual({
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '5s', preAllocatedVUs: 5, maxVUs: 40, exec: execName('create_payments'),
    });
    expect(options.thresholds['http_req_duration{scenario:create_payments}']).toEqual([{ threshold: 'p(99)<2000', abortOnFail: true, delayAbortEval: '2s' }]);
    expect(script).toMatch(/^export function scenario_create_payments\(\) \{$/m);
    expect(script).toMatch(/^import http from 'k6\/http';$/m);
  });

  // The scripts run in k6, not Node: check them as JavaScript against @types/k6, as an editor would.
  it('generates a script for every scenario in scenarios/load that type-checks against @types/k6', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'payharness-k6-'));
    try {
      const files = scriptsForAllScenarios().map(({ name, script }) => {
        const file = path.join(dir, `${name}.js`);
        writeFileSync(file, script);
        return file;
      });
      expect(files.length).toBeGreaterThanOrEqual(3);
      const program = ts.createProgram(files, {
        allowJs: true,
        checkJs: true,
        noEmit: true,
        strict: true,
        noImplicitAny: false,
        target: ts.ScriptTarget.ES2020,
        module: ts.ModuleKind.ES2020,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        lib: ['lib.es2020.d.ts'],
        types: [],
        baseUrl: dir,
        paths: { k6: [k6Types], 'k6/*': [`${k6Types}/*`] },
        skipLibCheck: true,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(diagnostics).toEqual([]);
      // The check can fail: a script calling an API k6 does not have is rejected.
      const broken = path.join(dir, 'broken.js');
      writeFileSync(broken, "import http from 'k6/http';\nhttp.postt('x');\n");
      const brokenProgram = ts.createProgram([broken], program.getCompilerOptions());
      const brokenMessages = ts.getPreEmitDiagnostics(brokenProgram).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(brokenMessages.join('\n')).toMatch(/Property 'postt' does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
