/**
 * The dashboard in real Chromium (Debian's /usr/bin/chromium through playwright-core), against a
 * server listening on 127.0.0.1 with the in-memory port fed by fixture jobs (plans made by the real
 * translators). Skips, saying why, when Chromium is missing, unless SHOPWIRE_REQUIRE_BROWSER=1.
 *
 * Also writes docs/screenshots/{overview,jobs,job,job-plan,job-transfers,preview,mappings,settings}.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { KEYED_CANARY, ORDER_FIXTURE_PATH, REGISTERED_CANARY, orderPlan, orderFixture, transfersFor } from '../server/fixture-jobs.ts';
import { API_TOKEN, PASSWORD, startHarness, USER, type Harness } from '../server/harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.SHOPWIRE_REQUIRE_BROWSER === '1';
const missing = !existsSync(CHROMIUM);
if (missing && required) throw new Error(`${CHROMIUM} is missing and SHOPWIRE_REQUIRE_BROWSER=1: install Debian's chromium (scripts/system-deps.sh)`);
const skip = missing ? `${CHROMIUM} is not installed (scripts/system-deps.sh installs it); set SHOPWIRE_REQUIRE_BROWSER=1 to fail instead` : false;

/**
 * The page's document, for the functions Playwright runs in the browser: the project's TypeScript
 * has no DOM types, and string expressions would need 'unsafe-eval', which the dashboard's CSP forbids.
 */
type Doc = { querySelector(s: string): { textContent: string | null } | null; activeElement: { textContent: string | null; id: string } | null };
declare var document: Doc;

// The README's pictures are refreshed with SHOPWIRE_SCREENSHOTS=1; otherwise they go to a temp folder,
// so a test run leaves the tree clean.
const SCREENSHOTS = process.env.SHOPWIRE_SCREENSHOTS === '1'
  ? new URL('../../docs/screenshots/', import.meta.url)
  : new URL(`file://${mkdtempSync(path.join(tmpdir(), 'shopwire-shots-'))}/`);
const FORBIDDEN = [REGISTERED_CANARY, KEYED_CANARY, API_TOKEN];

describe('dashboard in Chromium', { skip }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const seen = new Map<string, string>();
  const cspViolations: string[] = [];

  /** Remembers every page's HTML to check for secrets at the end. */
  async function record(name: string): Promise<void> {
    seen.set(`${name} ${page.url()}`, await page.content());
  }

  before(async () => {
    const { chromium } = await import('playwright-core');
    h = await startHarness({}, { refreshSeconds: 1 });
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('a visitor is sent to the login page; a wrong password is refused; the right one signs in', async () => {
    await page.goto(`${base}/jobs`);
    assert.match(page.url(), /\/login\?next=%2Fjobs$/);
    await page.getByLabel('User name').fill(USER);
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-login-error]').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/jobs`);
    assert.equal(await page.locator('body').getAttribute('data-page'), 'jobs');
  });

  test('overview: exports arrive while the page is open (auto-refresh)', async () => {
    await page.goto(`${base}/`);
    const doneCount = page.locator('article[data-flow="order-export"][data-profile="prod"] tr[data-count-state="done"] a');
    assert.equal(await doneCount.textContent(), '13');
    await record('overview');
    await page.screenshot({ path: new URL('overview.png', SCREENSHOTS).pathname });

    // Two new orders finish while the page is open.
    const now = h.clock.now;
    for (const n of [190, 191]) {
      const source = { ...orderFixture(), number: n };
      const plan = await orderPlan(source);
      h.port.add({
        id: `j-${n}`, flow: 'order-export', profile: 'prod', key: String(n), state: 'done', attempts: 0,
        createdAt: new Date(now - 60_000).toISOString(), updatedAt: new Date(now).toISOString(), nextAttemptAt: null, lastError: null,
        source, plan, warnings: plan.warnings, result: { quotes: [5002], orders: [7002] }, checkpoints: [],
        transfers: transfersFor(plan, now - 60_000, false), finishedAt: new Date(now).toISOString(),
      });
    }
    await page.waitForFunction(
      () => document.querySelector('article[data-flow="order-export"][data-profile="prod"] tr[data-count-state="done"] a')?.textContent === '15',
      undefined,
      { timeout: 8_000 },
    );
    assert.equal(page.url(), `${base}/`, 'updated in place, no navigation');
  });

  test('jobs list: filter by text, open a job, see its BOM tree, sales order and transfers', async () => {
    await page.goto(`${base}/jobs`);
    await record('jobs');
    await page.screenshot({ path: new URL('jobs.png', SCREENSHOTS).pathname });
    await page.getByLabel('Search').fill('180');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/text=180/);
    const rows = page.locator('tr[data-job-id]');
    assert.equal(await rows.count(), 1);
    await rows.first().getByRole('link').click();
    await page.waitForURL(`${base}/jobs/j-180`);

    const job = (await h.port.getJob('j-180'))!;
    const tree = page.locator('ul.tree').first();
    assert.ok(await tree.isVisible());
    const firstStep = job.plan!.steps[0]!;
    assert.equal(firstStep.kind, 'partrevisiondefinition');
    if (firstStep.kind === 'partrevisiondefinition') {
      assert.ok(await tree.locator(`li[data-part="${firstStep.body.prcpart}"]`).first().isVisible(), 'root part in the tree');
      for (const child of firstStep.body.bom_definition ?? []) {
        assert.ok((await tree.locator(`li[data-part="${child.prcpart}"]`).count()) >= 1, `child ${child.prcpart} in the tree`);
      }
    }
    assert.equal(await page.locator('.plan-step[data-kind="importjson"] table.lines tbody tr').count(), (job.plan!.steps.at(-1) as { body: { lines: unknown[] }[] }).body[0]!.lines.length);
    assert.equal(await page.locator('li.transfer').count(), job.transfers.length);
    // The failed importjson transfer is open; its request shows the order, with the token masked.
    const failed = page.locator('li.transfer[data-outcome="unknown"]');
    assert.ok(await failed.locator('pre.json').first().isVisible());
    assert.match((await failed.locator('pre.json').first().textContent())!, /"preshared_token": "\[redacted\]"/);
    assert.match((await page.locator('[data-error-code]').textContent())!, /Check in Cetec whether/);
    await record('job');
    await page.screenshot({ path: new URL('job.png', SCREENSHOTS).pathname });
    await page.locator('section[aria-labelledby="plan-h"]').screenshot({ path: new URL('job-plan.png', SCREENSHOTS).pathname });
    await page.locator('section[data-transfers]').screenshot({ path: new URL('job-transfers.png', SCREENSHOTS).pathname });
  });

  test('cancelling the confirm dialog does nothing; accepting it retries the job and the page shows it', async () => {
    await page.goto(`${base}/jobs/j-180`);
    const before = h.port.actions.length;
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('button[data-action="retry"]').click();
    await page.waitForTimeout(300);
    assert.equal(h.port.actions.length, before, 'dismissed: nothing sent');
    assert.equal(page.url(), `${base}/jobs/j-180`);

    page.once('dialog', (d) => {
      assert.match(d.message(), /Run this job again now/);
      void d.accept();
    });
    await page.locator('button[data-action="retry"]').click();
    await page.waitForURL(`${base}/jobs/j-180?did=retry`);
    assert.match((await page.locator('[data-notice]').textContent())!, /Retry requested/);
    assert.equal(await page.locator('[data-job-state] [data-state]').getAttribute('data-state'), 'pending');
    assert.deepEqual(h.port.actions.at(-1), { action: 'retry', jobId: 'j-180', actor: USER });
    await record('job after retry');
  });

  test('preview: paste the fixture order and see its plan, nothing sent', async () => {
    await page.goto(`${base}/preview`);
    const before = h.port.actions.length;
    // Paste: the whole 170 kB document lands in the box at once (typing it with fill() is slow).
    await page.locator('#preview-document').evaluate((el: unknown, text: string) => {
      const box = el as { value: string; dispatchEvent(event: Event): boolean };
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }, readFileSync(ORDER_FIXTURE_PATH, 'utf8'));
    await page.getByRole('button', { name: 'Show the plan' }).click();
    await page.locator('[data-preview-result]').waitFor();
    assert.equal(await page.locator('[data-preview-result]').getAttribute('data-preview-result'), 'ok', (await page.locator('main').textContent())!.slice(0, 500));
    const plan = await orderPlan(orderFixture());
    assert.equal(await page.locator('[data-preview-result] .plan-step').count(), plan.steps.length);
    assert.ok(await page.locator('[data-preview-result] .plan-step[data-kind="importjson"]').isVisible());
    assert.equal(h.port.actions.length, before);
    await record('preview');
    await page.screenshot({ path: new URL('preview.png', SCREENSHOTS).pathname });
  });

  test('mappings and settings pages render; no page shows a token; the CSP blocked nothing', async () => {
    await page.goto(`${base}/mappings`);
    await record('mappings');
    await page.screenshot({ path: new URL('mappings.png', SCREENSHOTS).pathname });
    await page.goto(`${base}/settings`);
    assert.ok(await page.locator('tr[data-secret="CETEC_TOKEN"]').isVisible());
    await record('settings');
    await page.screenshot({ path: new URL('settings.png', SCREENSHOTS).pathname });
    for (const id of ['j-179', 'j-181', 'j-cable-a']) {
      await page.goto(`${base}/jobs/${id}`);
      await record(id);
    }
    assert.ok(seen.size >= 9);
    for (const [name, htmlText] of seen) for (const secret of FORBIDDEN) assert.ok(!htmlText.includes(secret), `${name} shows a secret`);
    assert.deepEqual(cspViolations, []);
  });

  test('keyboard: the skip link is the first stop and moves focus to the main content', async () => {
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  test('logging out ends the session', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${base}/login`);
    await page.goto(`${base}/jobs`);
    assert.match(page.url(), /\/login/);
  });
});
