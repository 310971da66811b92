/**
 * `${VAR}` and `${VAR:-default}` in profile values. Everything is expanded when the profile loads,
 * so an unset variable is reported once, with its place in the file, instead of becoming an empty
 * header at the first request. Header values are the exception: they usually carry credentials, so
 * they keep their `${VAR}` reference (checked now, resolved per request) and a run directory or a
 * generated k6 script never holds the credential itself.
 */

const ENV_REF = /\$\{(\w+)(?::-([^}]*))?\}/g;

/** One variable a profile needs and the environment lacks. */
export interface MissingVariable {
  /** JSON pointer of the value that names it. */
  pointer: string;
  variable: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Expands every reference in `text`; `missing` is called for each unset variable without a default. */
export function expandEnvText(text: string, env: Env, missing: (variable: string) => void): string {
  return text.replace(ENV_REF, (m, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    missing(name);
    return '';
  });
}

/** A header value with defaults applied where the variable is unset, and set variables left as `${VAR}`. */
function resolveHeaderReferences(text: string, env: Env, missing: (variable: string) => void): string {
  return text.replace(ENV_REF, (m, name: string, fallback: string | undefined) => {
    if (env[name] !== undefined) return `\${${name}}`;
    if (fallback !== undefined) return fallback;
    missing(name);
    return m;
  });
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export interface ExpandedProfile {
  value: unknown;
  missing: MissingVariable[];
  /** Pointers of strings that were wholly one reference (`${TIME_SCALE}`), which may stand for a number or boolean. */
  wholeReferences: string[];
}

/** Expands references throughout a parsed profile (a copy); header values keep theirs (see above). */
export function expandProfileEnv(value: unknown, env: Env): ExpandedProfile {
  const missing: MissingVariable[] = [];
  const wholeReferences: string[] = [];
  const walk = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
      const note = (variable: string): void => void missing.push({ pointer, variable });
      if (/^(\/merchants\/[^/]+)?\/headers\/[^/]+$/.test(pointer)) return resolveHeaderReferences(node, env, note);
      if (/^\$\{\w+(?::-[^}]*)?\}$/.test(node)) wholeReferences.push(pointer);
      return expandEnvText(node, env, note);
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${pointer}/${i}`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, `${pointer}/${escapePointer(k)}`);
      return out;
    }
    return node;
  };
  return { value: walk(value, ''), missing, wholeReferences };
}

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
}

/** The schema that governs the value at a pointer (following properties, additionalProperties and items). */
function schemaAt(schema: SchemaNode, pointer: string): SchemaNode | undefined {
  let cur: SchemaNode | undefined = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur) return undefined;
    if (cur.properties?.[seg]) cur = cur.properties[seg];
    else if (typeof cur.additionalProperties === 'object') cur = cur.additionalProperties;
    else if (cur.items) cur = cur.items;
    else return undefined;
  }
  return cur;
}

function setAt(root: unknown, pointer: string, value: unknown): void {
  const segs = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = root as Record<string, unknown>;
  for (const seg of segs.slice(0, -1)) cur = cur[seg] as Record<string, unknown>;
  cur[segs[segs.length - 1]!] = value;
}

/**
 * An environment variable is text; where the schema wants a number or boolean and the whole value was
 * one reference (`timeScale: ${TIME_SCALE:-1}`), the text is read as one. Text that does not parse is
 * left for the schema to reject with its location.
 */
export function coerceWholeReferences(value: unknown, pointers: readonly string[], schema: object): void {
  for (const pointer of pointers) {
    const types = schemaAt(schema as SchemaNode, pointer)?.type;
    const wants = (t: string): boolean => (Array.isArray(types) ? types.includes(t) : types === t);
    let current: unknown = value;
    for (const seg of pointer.split('/').slice(1)) current = (current as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (typeof current !== 'string') continue;
    const text = current.trim();
    if ((wants('number') || wants('integer')) && text !== '' && Number.isFinite(Number(text))) setAt(value, pointer, Number(text));
    else if (wants('boolean') && (text === 'true' || text === 'false')) setAt(value, pointer, text === 'true');
  }
}
