import { SELECTION_ATTRIBUTES } from '../http/selection-attributes.js';
import { bandwidth } from './bandwidth.js';
import { httpDelay } from './http-delay.js';
import { httpDropRequest } from './http-drop-request.js';
import { httpDropResponse } from './http-drop-response.js';
import { httpDuplicate } from './http-duplicate.js';
import { httpStatus } from './http-status.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { AttributeSpec, ToxicDefinition } from './types.js';

/** Every toxic the embedded proxy knows, by the `type` users write. Lists shown to users come from here. */
export const TOXICS: readonly ToxicDefinition[] = [
  latency,
  bandwidth,
  slowClose,
  timeout,
  resetPeer,
  slicer,
  limitData,
  noop,
  httpDuplicate,
  httpDropResponse,
  httpDropRequest,
  httpStatus,
  httpDelay,
];

const BY_TYPE = new Map(TOXICS.map((toxic) => [toxic.type, toxic]));

export function findToxic(type: string): ToxicDefinition | undefined {
  return BY_TYPE.get(type);
}

/** The attributes a toxic accepts, in the order the API renders them (http_* add the selection ones). */
export function attributeSpecs(toxic: ToxicDefinition): Readonly<Record<string, AttributeSpec>> {
  return toxic.layer === 'http' ? { ...toxic.attributes, ...SELECTION_ATTRIBUTES } : toxic.attributes;
}

export type { ToxicDefinition, TcpToxicDefinition, HttpToxicDefinition, AttributeSpec, Attributes } from './types.js';
