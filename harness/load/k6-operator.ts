import { stringify } from 'yaml';

/**
 * Kubernetes manifests for a distributed run with k6-operator: a ConfigMap holding the script and
 * a `TestRun` (k6.io/v1alpha1) that splits the scenario's load over `parallelism` runners
 * (k6 execution segments), the target passed in through the runners' environment.
 */
export interface K6OperatorManifests {
  configMap: string;
  testRun: string;
}

/** Kubernetes object names: lower-case RFC 1123 labels. */
export function k8sName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
  return name || 'payharness-load';
}

export function k6OperatorManifests(options: {
  name: string;
  script: string;
  parallelism: number;
  target: string;
  runId: string;
  seed: number;
  /** Env vars holding secret headers; taken from a Kubernetes Secret `<name>-secrets`, never written here. */
  secretEnv?: readonly string[];
}): K6OperatorManifests {
  const base = k8sName(`payharness-${options.name}`);
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${base}-script`, labels: { 'app.kubernetes.io/managed-by': 'payharness' } },
    data: { 'script.js': options.script },
  };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: base, labels: { 'app.kubernetes.io/managed-by': 'payharness' } },
    spec: {
      parallelism: options.parallelism,
      script: { configMap: { name: `${base}-script`, file: 'script.js' } },
      arguments: `--tag testid=${base}`,
      runner: {
        env: [
          { name: 'PAYHARNESS_TARGET', value: options.target },
          { name: 'PAYHARNESS_RUN_ID', value: options.runId },
          { name: 'PAYHARNESS_SEED', value: String(options.seed) },
          ...(options.secretEnv ?? []).map((name) => ({
            name,
            valueFrom: { secretKeyRef: { name: `${base}-secrets`, key: name.toLowerCase().replace(/_/g, '-') } },
          })),
        ],
      },
    },
  };
  return { configMap: stringify(configMap, { lineWidth: 0 }), testRun: stringify(testRun, { lineWidth: 0 }) };
}
