import { mulberry32, type Random } from '../random.js';

/** Fault decisions (probability, toxicity, jitter) draw from the shared seeded generator. */
export const createRandom = (seed: number): Random => mulberry32(seed);
