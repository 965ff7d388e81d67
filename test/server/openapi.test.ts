/**
 * docs/openapi.json against the server: every API and operations route is documented, every
 * documented route exists, and real answers fit the documented schemas (a small validator for
 * the subset of JSON Schema the document uses).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { API_TOKEN, startHarness, type Harness } from './harness.ts';
import { designFixture } from './fixture-jobs.ts';

type Schema = Record<string, unknown>;
const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(doc.components.schemas[ref.replace('#/components/schemas/', '')]!);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Problems of `value` against `schema` (type, const, enum, required, properties, items, prefixItems, allOf, oneOf, min/maxItems). */
function validate(value: unknown, raw: Schema, at = '$'): string[] {
  const schema = resolve(raw);
  const problems: string[] = [];
  if ('const' in schema && value !== schema.const) problems.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) problems.push(`${at}: type ${t}, expected ${types.join('|')}`);
  }
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) problems.push(...validate(value, s as Schema, at));
  if (Array.isArray(schema.oneOf)) {
    const passing = schema.oneOf.filter((s) => validate(value, s as Schema, at).length === 0).length;
    if (passing !== 1) problems.push(`${at}: matches ${passing} of oneOf`);
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) problems.push(`${at}.${key}: required`);
    for (const [key, sub] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
      if (key in obj && obj[key] !== undefined) problems.push(...validate(obj[key], sub, `${at}.${key}`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${at}: fewer than ${schema.minItems}`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${at}: more than ${schema.maxItems}`);
    const prefix = schema.prefixItems as Schema[] | undefined;
    value.forEach((item, i) => {
      const sub = prefix?.[i] ?? (schema.items as Schema | undefined);
      if (sub) problems.push(...validate(item, sub, `${at}[${i}]`));
    });
  }
  return problems;
}

describe('docs/openapi.json', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ metrics: 'token' });
  });
  after(() => h.close());

  const documented = (): string[] =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();

  test('is OpenAPI 3.1 and lists exactly the API and operations routes', () => {
    assert.equal(doc.openapi, '3.1.0');
    const registered = h.routes
      .filter((r) => r.url.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(r.url))
      .map((r) => `${r.method} ${r.url.replace(/:([a-zA-Z]+)/g, '{$1}')}`)
      .sort();
    assert.deepEqual(registered, documented());
  });

  test('real answers fit the documented schemas', async () => {
    const bearer = { authorization: `Bearer ${API_TOKEN}` };
    const cases: [method: 'GET' | 'POST', url: string, path: string, status: string, payload?: object][] = [
      ['GET', '/healthz', '/healthz', '200'],
      ['GET', '/readyz', '/readyz', '200'],
      ['GET', '/api/v1/status', '/api/v1/status', '200'],
      ['GET', '/api/v1/jobs?limit=3', '/api/v1/jobs', '200'],
      ['GET', '/api/v1/jobs?state=bad', '/api/v1/jobs', '400'],
      ['GET', '/api/v1/jobs/j-180', '/api/v1/jobs/{id}', '200'],
      ['GET', '/api/v1/jobs/j-cable-a', '/api/v1/jobs/{id}', '200'],
      ['GET', '/api/v1/jobs/none', '/api/v1/jobs/{id}', '404'],
      ['POST', '/api/v1/jobs/j-181/retry', '/api/v1/jobs/{id}/retry', '200'],
      ['POST', '/api/v1/jobs/j-179/retry', '/api/v1/jobs/{id}/retry', '409'],
      ['POST', '/api/v1/jobs/j-179/replay', '/api/v1/jobs/{id}/replay', '200'],
      ['POST', '/api/v1/jobs/j-180/cancel', '/api/v1/jobs/{id}/cancel', '200'],
      ['POST', '/api/v1/preview', '/api/v1/preview', '200', { kind: 'design', document: designFixture() }],
      ['POST', '/api/v1/preview', '/api/v1/preview', '422', { kind: 'design', document: { detail: {} } }],
      ['GET', '/api/v1/mappings', '/api/v1/mappings', '200'],
      ['GET', '/api/v1/settings', '/api/v1/settings', '200'],
    ];
    for (const [method, url, path, status, payload] of cases) {
      const res = await h.app.inject({ method, url, headers: bearer, ...(payload ? { payload } : {}) });
      assert.equal(String(res.statusCode), status, `${method} ${url}: ${res.body.slice(0, 200)}`);
      const documentedResponse = doc.paths[path]![method.toLowerCase()]!.responses[status];
      assert.ok(documentedResponse, `${method} ${path} ${status} is not documented`);
      const schema = documentedResponse.content?.['application/json']?.schema;
      assert.ok(schema, `${method} ${path} ${status} has no JSON schema`);
      assert.deepEqual(validate(res.json(), schema), [], `${method} ${url}`);
    }
    const unauth = await h.app.inject({ url: '/api/v1/jobs' });
    assert.deepEqual(validate(unauth.json(), doc.paths['/api/v1/jobs']!.get!.responses['401']!.content!['application/json']!.schema), []);
  });

  test('the validator rejects what it should (it can fail)', () => {
    assert.notDeepEqual(validate({ jobs: 'x' }, { $ref: '#/components/schemas/JobSummary' }), []);
    assert.notDeepEqual(validate({ ok: true, problems: [] }, { $ref: '#/components/schemas/PreviewProblems' }), []);
  });
});
