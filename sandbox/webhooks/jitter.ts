/**
 * The sandbox's own seeded jitter (it never imports the harness). A draw is a pure function of the
 * seed, the delivery and the attempt number, so the same seed gives every delivery the same delays
 * however many attempts run at once and in whatever order they finish.
 */

/** FNV-1a over a string, folded into a running 32-bit hash. */
function fnv1a(text: string, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One mulberry32 step from a 32-bit state: a well-mixed value in [0, 1). */
function mulberry32(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** A uniform number in [0, 1) for attempt `attempt` of delivery `deliveryId` under `seed`. */
export function jitterDraw(seed: number, deliveryId: string, attempt: number): number {
  return mulberry32(fnv1a(`${deliveryId}#${attempt}`, fnv1a(String(seed >>> 0))));
}

/** A seed for a sandbox started without one (printed nowhere: pass `seed` to replay). */
export function randomJitterSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}
