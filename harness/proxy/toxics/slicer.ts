import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

interface SlicerAttributes {
  average_size: number;
  size_variation: number;
  delay: number;
}

/** Toxiproxy's recursive halving: slices of about average_size ± size_variation bytes. */
function sliceOffsets(start: number, end: number, a: SlicerAttributes, random: () => number): number[] {
  if (a.average_size <= 0 || end - start - a.average_size <= a.size_variation) return [start, end];
  const variation = a.size_variation > 0 ? Math.floor(random() * a.size_variation * 2) - a.size_variation : 0;
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + variation));
  return [...sliceOffsets(start, mid, a, random), ...sliceOffsets(mid, end, a, random)];
}

/** Slices data into small writes with `delay` microseconds between them (timers: ≥ 1 ms when set). */
export const slicer: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'slicer',
  summary: 'slice data into average_size ± size_variation byte writes, delay µs apart',
  attributes: {
    average_size: { kind: 'int', default: 0, min: 0, description: 'average slice size in bytes' },
    size_variation: { kind: 'int', default: 0, min: 0, description: '± bytes of variation' },
    delay: { kind: 'int', default: 0, min: 0, description: 'microseconds between slices' },
  },
  createStage(env) {
    return {
      async onChunk(data) {
        const a = env.attributes() as unknown as SlicerAttributes;
        const offsets = sliceOffsets(0, data.length, a, env.random);
        for (let i = 1; i < offsets.length; i += 2) {
          if (env.signal.aborted) {
            env.push(data.subarray(offsets[i - 1]));
            return;
          }
          env.push(data.subarray(offsets[i - 1], offsets[i]));
          if (a.delay > 0 && i + 1 < offsets.length) await sleep(a.delay / 1000, env.signal);
        }
      },
    };
  },
};
