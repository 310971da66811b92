export function exportLoad(options: { scenarioFile: string; k6File?: string; operatorDir?: string; parallelism: number; target?: string; profile?: string; seed?: number }): string[] {
  void options;
  return [];
}
