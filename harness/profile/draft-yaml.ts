import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ProfileDraft } from './openapi-draft.js';

/**
 * A draft as YAML a person finishes: a header saying where it came from and what to do, each guess
 * as a comment above its key, each gap a `TODO …` value that `profile` validation reports.
 */
export function renderDraft(draft: ProfileDraft, source: string): string {
  const doc = new Document(draft.profile);
  doc.commentBefore = [
    ` Drafted by \`payharness profile init\` from ${source}.`,
    ' Every guess is commented; check each against the API. Every gap is a TODO value, and the profile',
    ` will not load until all ${draft.todos.length} are filled in. Reference: docs/profiles.md`,
  ].join('\n');
  const byKey = new Map<string, string[]>();
  for (const note of draft.notes) {
    const key = JSON.stringify(note.path);
    byKey.set(key, [...(byKey.get(key) ?? []), note.text]);
  }
  for (const [key, texts] of byKey) {
    const path = JSON.parse(key) as (string | number)[];
    const target = keyNode(doc, path);
    if (target) target.commentBefore = [...new Set(texts)].map((t) => ` ${t}`).join('\n');
  }
  // Sections the draft could not guess, commented out at the end with what to fill in.
  if (draft.commented.length) doc.comment = draft.commented.map((lines) => lines.join('\n')).join('\n\n');
  return doc.toString({ lineWidth: 0 });
}

/** The node a comment goes above: the key of a map entry, or the item of a list. */
function keyNode(doc: Document, path: (string | number)[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1]!;
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return isScalar(pair?.key) ? pair.key : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return item && typeof item === 'object' && 'commentBefore' in (item as object) ? (item as Node) : undefined;
  }
  return undefined;
}
