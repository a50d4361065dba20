// The routes as the OpenAPI document states them (GET /api/openapi.json), and well-formed requests built from their
// schemas: the authorization matrix (part 6) and the fuzzer (part 5) both start from here, so a route added to the
// document is covered without anyone listing it.

export type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  $ref?: string;
};
export type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: Schema };
export type Operation = {
  method: string;
  path: string;
  key: string;
  parameters: Parameter[];
  body: Schema | null;
  bodyType: string | null;
  security: boolean;
};

export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0] ?? null;
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => resolve(doc, p)),
        body: bodyType ? resolve(doc, content[bodyType].schema ?? {}) : null,
        bodyType,
        security: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return ops.sort((a, b) => a.key.localeCompare(b.key));
}

function resolve(doc: any, node: any): any {
  if (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const target = node.$ref.replace(/^#\//, '').split('/').reduce((o: any, k: string) => o?.[k], doc);
    return resolve(doc, target);
  }
  return node;
}

export type Fixtures = Readonly<Record<string, string>>;

/** A value the schema accepts; ids, codes and PIN-like fields by name from the fixtures. */
export function sample(doc: any, schema: Schema | undefined, name: string, fixtures: Fixtures): unknown {
  const s = resolve(doc, schema ?? {}) as Schema;
  if (name in fixtures) return fixtures[name];
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return sample(doc, alternatives.find((a) => (resolve(doc, a) as Schema).type !== 'null') ?? alternatives[0], name, fixtures);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((a) => sample(doc, a, name, fixtures)));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      if ((s.required ?? []).includes(key) || key in fixtures) out[key] = sample(doc, prop, key, fixtures);
    }
    return out;
  }
  if (type === 'array') return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(doc, s.items, name, fixtures));
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return false;
  if (s.format === 'uuid') return fixtures.uuid ?? '00000000-0000-4000-8000-000000000000';
  if (s.format === 'date') return '1980-05-14';
  if (s.format === 'date-time') return '2026-03-03T01:00:00.000Z';
  if (s.format === 'email') return 'reliability@example.jp';
  if (s.pattern === '^\\d{6}$') return fixtures.municipalityCode ?? '111007';
  const min = s.minLength ?? 1;
  return 'reliability'.padEnd(min, 'x').slice(0, s.maxLength ?? 64);
}

/** The path with its parameters filled from the fixtures (by parameter name). */
export function fillPath(op: Operation, fixtures: Fixtures): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(fixtures[name] ?? fixtures.uuid ?? 'x'));
}

export function sampleQuery(doc: any, op: Operation, fixtures: Fixtures): string {
  const params = op.parameters.filter((p) => p.in === 'query' && (p.required || p.name in fixtures));
  if (params.length === 0) return '';
  return `?${params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(sample(doc, p.schema, p.name, fixtures)))}`).join('&')}`;
}
