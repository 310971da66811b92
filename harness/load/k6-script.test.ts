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

  // k6 keys time series by tag set: a per-request tag value makes one series per request. Every
  // tag object the scripts pass (request params, metric points) may only use low-cardinality keys;
  // per-request data goes in exec.vu.metrics.metadata. (k6-script-exec.test.ts checks the values.)
  it('tags requests and points only with low-cardinality keys, and carries the request record as metadata', () => {
    const allowed = new Set(['name', 'op', 'intent']);
    for (const { name, script } of scriptsForAllScenarios()) {
      const source = ts.createSourceFile(`${name}.js`, script, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
      const tagKeys: string[] = [];
      const keysOf = (node: ts.Node | undefined): void => {
        if (node && ts.isObjectLiteralExpression(node)) for (const p of node.properties) tagKeys.push(p.name ? p.name.getText(source) : '...spread');
        else if (node) tagKeys.push(`<${node.getText(source)}>`); // not a literal: cannot be checked, so refused
      };
      let addCalls = 0;
      const visit = (node: ts.Node): void => {
        if (ts.isPropertyAssignment(node) && node.name.getText(source) === 'tags') keysOf(node.initializer);
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'add') {
          addCalls++;
          keysOf(node.arguments[1]);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(addCalls, name).toBeGreaterThan(0);
      expect(tagKeys.filter((k) => !allowed.has(k)), name).toEqual([]);
      expect(script, name).toMatch(/metadata\[OP_METADATA\] = JSON\.stringify\(op\);\n\s*ops\.add\(1, \{[^}]*\}\);\n\s*delete metadata\[OP_METADATA\];/);
    }
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
