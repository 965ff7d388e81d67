/**
 * Access control over Fastify inject: nothing but /healthz, /readyz, the login page and static
 * assets answers without a login; cross-site and token-less state changes are refused; failed
 * logins are limited; cookies and security headers are what docs/dashboard.md promises.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_TOKEN, cookiesOf, login, PASSWORD, startHarness, USER, type Harness } from './harness.ts';

const FORM = 'application/x-www-form-urlencoded';
const SAME_SITE = { origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' };
const OPEN = new Set(['/healthz', '/readyz', '/login', '/assets/:name']);

function concrete(url: string): string {
  return url.replace(':id', 'j-180').replace(':action', 'retry').replace(':name', 'app.css');
}

describe('access control', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('every route except the open ones refuses a request without credentials', async () => {
    const protectedRoutes = h.routes.filter((r) => !OPEN.has(r.url));
    assert.ok(protectedRoutes.length >= 15, `expected the dashboard's routes, got ${protectedRoutes.length}`);
    for (const route of protectedRoutes) {
      const res = await h.app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: { ...SAME_SITE, 'content-type': 'application/json' }, payload: route.method === 'GET' ? undefined : '{}' });
      if (route.access === 'page' && route.method === 'GET') {
        assert.equal(res.statusCode, 303, `${route.method} ${route.url}`);
        assert.match(String(res.headers.location), /^\/login/);
      } else {
        assert.equal(res.statusCode, 401, `${route.method} ${route.url} answered ${res.statusCode}`);
      }
      assert.doesNotMatch(res.body, /Order 180|CABLE_A|cnc_milling/, `${route.url} leaked data`);
    }
    assert.equal(h.port.actions.length, 0, 'no action reached the port');
  });

  test('open routes answer without a login', async () => {
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/readyz' })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/login' })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/assets/app.js' })).statusCode, 200);
    for (const name of ['constructor', '__proto__', 'toString', '..%2Fapp.ts', 'nope.css']) {
      assert.equal((await h.app.inject({ url: `/assets/${name}` })).statusCode, 404, name);
    }
  });

  test('a wrong bearer token is refused; the right one opens the API but not the pages', async () => {
    const wrong = await h.app.inject({ url: '/api/v1/jobs', headers: { authorization: 'Bearer not-the-token' } });
    assert.equal(wrong.statusCode, 401);
    assert.match(String(wrong.headers['www-authenticate']), /Bearer/);
    const basic = await h.app.inject({ url: '/api/v1/jobs', headers: { authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}` } });
    assert.equal(basic.statusCode, 401);
    const right = await h.app.inject({ url: '/api/v1/jobs', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(right.statusCode, 200);
    const page = await h.app.inject({ url: '/jobs', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(page.statusCode, 303, 'pages need a session');
  });

  test('a bearer POST needs no CSRF token (no ambient credential)', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/j-181/cancel', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().job.state, 'cancelled');
    assert.deepEqual(h.port.actions.at(-1), { action: 'cancel', jobId: 'j-181', actor: 'api-token' });
  });

  test('session form posts: cross-site origin, cross-site fetch metadata, missing or wrong CSRF token are refused', async () => {
    const { cookie, csrf } = await login(h.app);
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      h.app.inject({ method: 'POST', url: '/jobs/j-180/retry', headers: { cookie, 'content-type': FORM, ...headers }, payload: new URLSearchParams(body).toString() });
    const before = h.port.actions.length;
    assert.equal((await post({ origin: 'https://evil.example' }, { _csrf: csrf, confirmed: '1' })).statusCode, 403);
    assert.equal((await post({ origin: 'null' }, { _csrf: csrf, confirmed: '1' })).statusCode, 403);
    assert.equal((await post({ 'sec-fetch-site': 'cross-site' }, { _csrf: csrf, confirmed: '1' })).statusCode, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-site' }, { _csrf: csrf, confirmed: '1' })).statusCode, 403);
    assert.equal((await post(SAME_SITE, { confirmed: '1' })).statusCode, 403);
    const wrongToken = await post(SAME_SITE, { _csrf: `${csrf}x`, confirmed: '1' });
    assert.equal(wrongToken.statusCode, 403);
    assert.match(String(wrongToken.headers['content-type']), /^text\/html/, 'a page route refuses with a page');
    assert.match(wrongToken.body, /CSRF token/);
    assert.equal(h.port.actions.length, before, 'no refused request reached the port');
    const ok = await post(SAME_SITE, { _csrf: csrf, confirmed: '1' });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, '/jobs/j-180?did=retry');
    assert.equal(h.port.actions.length, before + 1);
  });

  test('session API posts need the X-CSRF-Token header', async () => {
    const { cookie, csrf } = await login(h.app);
    const without = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/j-179/replay', headers: { cookie, ...SAME_SITE } });
    assert.equal(without.statusCode, 403);
    assert.equal(without.json().error.code, 'csrf');
    const withToken = await h.app.inject({ method: 'POST', url: '/api/v1/jobs/j-179/replay', headers: { cookie, ...SAME_SITE, 'x-csrf-token': csrf } });
    assert.equal(withToken.statusCode, 200);
  });

  test('a forged or foreign session cookie is refused', async () => {
    const { cookie } = await login(h.app);
    const [name, id] = cookie.split('=') as [string, string];
    assert.equal((await h.app.inject({ url: '/api/v1/jobs', headers: { cookie } })).statusCode, 200);
    // Another server's session (a different store) is foreign here.
    const other = await startHarness();
    const foreign = (await login(other.app)).cookie;
    await other.close();
    const flipped = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [`${name}=${id}.AAAA`, `${name}=${flipped}`, `${name}=${'A'.repeat(43)}`, `${name}=x`, foreign]) {
      const res = await h.app.inject({ url: '/api/v1/jobs', headers: { cookie: forged } });
      assert.equal(res.statusCode, 401, forged);
    }
  });

  test('the login form itself refuses cross-site posts and posts without its nonce', async () => {
    const body = new URLSearchParams({ username: USER, password: PASSWORD, _login: 'guess' }).toString();
    const noNonce = await h.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': FORM, ...SAME_SITE }, payload: body });
    assert.equal(noNonce.statusCode, 403);
    assert.equal(cookiesOf(noNonce).shopwire_session, undefined);
    const form = await h.app.inject({ url: '/login' });
    const nonce = cookiesOf(form).shopwire_login!;
    const crossSite = await h.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': FORM, cookie: `shopwire_login=${nonce}`, origin: 'https://evil.example' },
      payload: new URLSearchParams({ username: USER, password: PASSWORD, _login: nonce }).toString(),
    });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(cookiesOf(crossSite).shopwire_session, undefined);
  });

  test('the session cookie is HttpOnly, SameSite=Strict, not Secure over plain http, with an expiry', async () => {
    const form = await h.app.inject({ url: '/login' });
    const nonce = cookiesOf(form).shopwire_login!;
    const res = await h.app.inject({
      method: 'POST',
      url: '/login?next=%2Fjobs',
      headers: { 'content-type': FORM, cookie: `shopwire_login=${nonce}`, ...SAME_SITE },
      payload: new URLSearchParams({ username: USER, password: PASSWORD, _login: nonce }).toString(),
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/jobs');
    const line = [res.headers['set-cookie']].flat().find((l) => String(l).startsWith('shopwire_session='))!;
    assert.match(line, /HttpOnly/);
    assert.match(line, /SameSite=Strict/);
    assert.match(line, /Max-Age=28800/);
    assert.doesNotMatch(line, /Secure/);
  });

  test('login never redirects to another site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const form = await h.app.inject({ url: '/login' });
      const nonce = cookiesOf(form).shopwire_login!;
      const res = await h.app.inject({
        method: 'POST',
        url: `/login?next=${encodeURIComponent(next)}`,
        headers: { 'content-type': FORM, cookie: `shopwire_login=${nonce}`, ...SAME_SITE },
        payload: new URLSearchParams({ username: USER, password: PASSWORD, _login: nonce }).toString(),
      });
      assert.equal(res.headers.location, '/', next);
    }
  });

  test('logout ends the session; an expired session is refused', async () => {
    const a = await login(h.app);
    const out = await h.app.inject({ method: 'POST', url: '/logout', headers: { cookie: a.cookie, 'content-type': FORM, ...SAME_SITE }, payload: `_csrf=${a.csrf}` });
    assert.equal(out.statusCode, 303);
    assert.equal((await h.app.inject({ url: '/api/v1/jobs', headers: { cookie: a.cookie } })).statusCode, 401);

    const b = await login(h.app);
    assert.equal((await h.app.inject({ url: '/api/v1/jobs', headers: { cookie: b.cookie } })).statusCode, 200);
    h.clock.now += 8 * 3_600_000 + 1000;
    try {
      assert.equal((await h.app.inject({ url: '/api/v1/jobs', headers: { cookie: b.cookie } })).statusCode, 401);
    } finally {
      h.clock.now -= 8 * 3_600_000 + 1000;
    }
  });

  test('security headers on pages, API answers and open endpoints', async () => {
    const { cookie } = await login(h.app);
    for (const [url, headers] of [['/', { cookie }], ['/api/v1/jobs', { cookie }], ['/healthz', {}], ['/login', {}]] as const) {
      const res = await h.app.inject({ url, headers });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /script-src 'self'/, url);
      assert.doesNotMatch(csp, /unsafe-inline/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'same-origin', url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
    const page = await h.app.inject({ url: '/', headers: { cookie } });
    assert.doesNotMatch(page.body, /<script>|<script [^>]*>[^<]|\son(click|submit|load)=|style="/, 'no inline script, handler or style (the CSP would block them)');
  });
});

describe('login rate limiting', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function attempt(user: string, password: string, ip: string): Promise<number> {
    const form = await h.app.inject({ url: '/login', remoteAddress: ip });
    const nonce = cookiesOf(form).shopwire_login!;
    const res = await h.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: ip,
      headers: { 'content-type': FORM, cookie: `shopwire_login=${nonce}`, ...SAME_SITE },
      payload: new URLSearchParams({ username: user, password, _login: nonce }).toString(),
    });
    return res.statusCode;
  }

  test('five failures per user name, then 429 even with the right password, from any address; a minute later it works', async () => {
    for (let i = 0; i < 5; i++) assert.equal(await attempt(USER, 'wrong', `10.0.0.${i + 1}`), 401);
    assert.equal(await attempt(USER, PASSWORD, '10.0.0.99'), 429);
    h.clock.now += 61_000;
    assert.equal(await attempt(USER, PASSWORD, '10.0.0.99'), 303);
  });

  test('five failures per address, whatever the user names, then 429', async () => {
    for (let i = 0; i < 5; i++) assert.equal(await attempt(`nobody${i}`, 'wrong', '10.9.9.9'), 401);
    assert.equal(await attempt(USER, PASSWORD, '10.9.9.9'), 429);
    assert.equal(await attempt(USER, PASSWORD, '10.9.9.10'), 303, 'another address is not blocked');
  });
});

describe('cookie and metrics settings', () => {
  test('cookieSecure: auto marks the cookie Secure behind an https proxy', async () => {
    const h = await startHarness({}, { trustProxy: true });
    try {
      const form = await h.app.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
      const nonce = cookiesOf(form).shopwire_login!;
      const res = await h.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': FORM, cookie: `shopwire_login=${nonce}`, 'x-forwarded-proto': 'https', origin: 'https://localhost:80', 'sec-fetch-site': 'same-origin' },
        payload: new URLSearchParams({ username: USER, password: PASSWORD, _login: nonce }).toString(),
      });
      assert.equal(res.statusCode, 303);
      const line = [res.headers['set-cookie']].flat().find((l) => String(l).startsWith('shopwire_session='))!;
      assert.match(line, /; Secure/);
    } finally {
      await h.close();
    }
  });

  test('/metrics needs the token by default and is open when configured so', async () => {
    const closed = await startHarness();
    try {
      assert.equal((await closed.app.inject({ url: '/metrics' })).statusCode, 401);
      assert.equal((await closed.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
      assert.equal((await closed.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${API_TOKEN}` } })).statusCode, 200);
    } finally {
      await closed.close();
    }
    const open = await startHarness({ metrics: 'open' });
    try {
      assert.equal((await open.app.inject({ url: '/metrics' })).statusCode, 200);
    } finally {
      await open.close();
    }
  });
});

describe('plugins', () => {
  test('a plugin (like the CableBuilder receiver) is registered beside the dashboard with its own auth and the same security headers', async () => {
    const h = await startHarness({}, {
      plugins: [
        async (app) => {
          app.post('/cablebuilder/send-design', async (request, reply) =>
            request.headers['x-shared-secret'] === 'letmein' ? { success: true } : reply.code(401).send({ status: 401 }),
          );
        },
      ],
    });
    try {
      const ok = await h.app.inject({ method: 'POST', url: '/cablebuilder/send-design', headers: { 'x-shared-secret': 'letmein' }, payload: {} });
      assert.equal(ok.statusCode, 200, 'no dashboard login or CSRF token asked');
      assert.deepEqual(ok.json(), { success: true });
      assert.match(String(ok.headers['content-security-policy']), /frame-ancestors 'none'/);
      const refused = await h.app.inject({ method: 'POST', url: '/cablebuilder/send-design', payload: {} });
      assert.equal(refused.statusCode, 401, 'its own auth decides');
      assert.equal((await h.app.inject({ url: '/api/v1/jobs' })).statusCode, 401, 'the dashboard stays closed');
    } finally {
      await h.close();
    }
  });
});
