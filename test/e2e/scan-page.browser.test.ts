import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEMO_PARTIES, withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';
import { PRODUCT_LINES, type DepartmentId } from '../../src/domain/directory/product-directory.ts';
import { BIN, launcherFlags, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../support/stores.ts';

// Issue 4 §5: a real Chromium (Debian's package, driven by playwright-core) on the public scan page, served by a real
// `suyuan serve` process over a store the demo was loaded into through the CLI.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.SUYUAN_CHROMIUM ?? '/usr/bin/chromium';
const ADMIN = 'scan-page-browser-admin-key-0000001';

// The demo's milk carton (GTIN-13 from the demo company prefix 6970123, item 20001, written as a GTIN-14).
const MILK_GTIN14 = `0${withCheckDigit('697012320001')}`;
const CARTON = `https://id.gs1.org/01/${MILK_GTIN14}/21/LY2611060001`;
const CARTON_PATH = `/01/${MILK_GTIN14}/21/LY2611060001`;
const CARTON_LOT = `https://id.gs1.org/01/${MILK_GTIN14}/10/LY261106`;

// The city-wide regulator of the product line the milk belongs to (food): the line's lead department, region 441300.
const FOOD_LEADS: readonly DepartmentId[] = PRODUCT_LINES.find((l) => l.id === 'food')!.leadDepartmentIds;
const FOOD_REGULATOR = DEMO_PARTIES.find((p) => p.kind === 'regulator' && FOOD_LEADS.includes(p.department as DepartmentId) && p.regions?.includes('441300'))!.key;

/** A phone: Safari on an iPhone, so the server counts the visits as scans (it ignores bots and headless clients). */
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};

/** The carton's chain as the scan page shows it: step, local time (UTC+8) and the place, oldest first. */
const CARTON_CHAIN: Array<[string, string, string]> = [
  ['生产赋码', '2026-11-05 05:00', '高潭奶牛牧场'],
  ['发货', '2026-11-05 07:00', '高潭奶牛牧场'],
  ['收货入库', '2026-11-05 09:00', '绿野乳业新圩工厂'],
  ['生产赋码', '2026-11-06 10:00', '绿野乳业新圩工厂'],
  ['包装', '2026-11-06 15:00', '绿野乳业新圩工厂'],
  ['发货', '2026-11-07 08:00', '绿野乳业新圩工厂'],
  ['收货入库', '2026-11-07 13:00', '龙门配送中心'],
  ['拆包', '2026-11-08 07:00', '龙门配送中心'],
  ['发货', '2026-11-08 08:00', '龙门配送中心'],
  ['收货入库', '2026-11-08 14:00', '百佳超市下埔店'],
  ['零售', '2026-11-09 19:30', '百佳超市下埔店'],
];

const run = promisify(execFile);

/** Loads the Huizhou demo into the store through `suyuan demo` and returns the demo keys by party name. */
async function loadDemoThroughCli(target: TestStoreTarget): Promise<Record<string, { key: string; partyId: string }>> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const store = ['--data', target.dataDir, ...(target.databaseUrl ? ['--database-url', target.databaseUrl] : [])];
  const { stdout } = await run(process.execPath, [...launcherFlags(), BIN, 'demo', ...store], { env, encoding: 'utf8', timeout: 120_000 });
  const demo = JSON.parse(stdout) as { loaded: boolean; keys: Array<{ name: string; key: string; partyId: string }> };
  assert.equal(demo.loaded, true, 'the demo loads into the fresh store');
  return Object.fromEntries(demo.keys.map((k) => [k.name, k]));
}

async function api(server: ServerProcess, method: string, url: string, key: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  return { status: res.status, json };
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).trim();

for (const dialect of testDialects()) {
  describe(`public scan page in a real browser on ${dialect}`, { timeout: 180_000 }, () => {
    let target: TestStoreTarget | undefined;
    let server: ServerProcess | undefined;
    let browser: Browser | undefined;
    let phone: BrowserContext;
    let keys: Record<string, { key: string; partyId: string }>;
    const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}-${dialect}.png`), fullPage: true });

    before(async () => {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      target = await createTestStore(dialect);
      keys = await loadDemoThroughCli(target);
      // As it runs behind the operator guide's reverse proxy: each phone reaches it from its own address.
      server = await startServerProcess(target, ADMIN, { SUYUAN_TRUST_PROXY: '1' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      });
      phone = await browser.newContext({ ...PHONE, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.1' } });
      phone.setDefaultTimeout(15_000);
    });

    // Each step in its own try, so one failing does not leave the others running.
    after(async () => {
      try {
        await browser?.close();
      } finally {
        try {
          await server?.stop();
        } finally {
          await target?.cleanup();
        }
      }
    });

    test("the carton's page: product, verified mark, the chain in order, first scan then a count, one small request", async () => {
      const page = await phone.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const res = await page.goto(`${server!.url}${CARTON_PATH}`);
      assert.equal(res?.status(), 200);
      assert.match(res!.headers()['content-type'] ?? '', /^text\/html/);
      const size = (await res!.body()).length;
      assert.ok(size < 50 * 1024, `the page is ${size} bytes; a phone on a weak signal wants under 50 KB`);
      assert.ok(requests.every((u) => u.startsWith(server!.url)), `the page fetches nothing from elsewhere: ${requests.join(', ')}`);
      assert.equal(await page.locator('script').count(), 0, 'the scan page needs no script');

      assert.equal(await text(page, '#product h2'), '绿野纯牛奶 250mL');
      assert.match(await page.title(), /^绿野纯牛奶 250mL/);
      assert.match(await text(page, '#producer h2'), /惠州市绿野乳业有限公司/);
      const verification = page.locator('#verification');
      assert.match(await verification.getAttribute('class') ?? '', /\bok\b/);
      assert.match(await verification.innerText(), /记录已核验/);
      assert.equal(await verification.locator('a').getAttribute('href'), `/proof?code=${encodeURIComponent(CARTON)}`);
      assert.equal(await text(page, '#scan-count'), '首次查询');
      for (const id of ['recall', 'expired', 'blacklisted', 'suspicious']) assert.equal(await page.locator(`#${id}`).count(), 0, `no #${id} warning`);

      const steps = await page.locator('#timeline ol.tl > li').evaluateAll((lis) =>
        lis.map((li) => [li.querySelector('strong')?.textContent ?? '', li.querySelector('.muted')?.textContent ?? '', li.textContent ?? '']));
      assert.deepEqual(steps.map(([step, time]) => [step, time]), CARTON_CHAIN.map(([step, time]) => [step, time]));
      CARTON_CHAIN.forEach(([, , place], i) => assert.ok(steps[i]![2]!.includes(place), `step ${i + 1} at ${place}: ${steps[i]![2]}`));
      assert.match(steps[0]![2]!, /惠州市惠东县高潭牧业有限公司/, 'the chain starts at the dairy farm');
      assert.match(steps.at(-1)![2]!, /惠州市鹏城百佳超市有限公司/, 'and ends with the sale at the supermarket');
      await shot(page, 'scan-page');

      await page.reload();
      assert.equal(await text(page, '#scan-count'), '首次查询', 'the same phone reloading is not another scan');
      await page.close();
      const otherPhone = await browser!.newContext({ ...PHONE, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.2' } });
      try {
        const other = await otherPhone.newPage();
        await other.goto(`${server!.url}${CARTON_PATH}`);
        assert.equal(await text(other, '#scan-count'), '已被查询 2 次', 'another phone is');
        assert.match(await text(other, '#scan-first'), /^首次查询于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
        assert.equal(await text(other, '#scan-hint'), '如果首次查询的不是您，请向卖家核实');
        await shot(other, 'scan-page-second-phone');
      } finally {
        await otherPhone.close();
      }
    });

    test('the English switch shows English headings and steps, on the same code', async () => {
      const page = await phone.newPage();
      await page.goto(`${server!.url}${CARTON_PATH}`);
      await page.locator('header a.lang').click();
      await page.waitForURL(/[?&]lang=en\b/);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await text(page, 'header h1'), 'Huizhou Product Traceability');
      assert.equal(await text(page, '#timeline h2'), 'Chain of custody');
      assert.equal(await text(page, '#inspections h2'), 'Inspections and tests');
      assert.equal(await text(page, '#complaint h2'), 'File a complaint');
      assert.match(await text(page, '#producer h2'), /^Producer/);
      assert.match(await text(page, '#verification'), /Verified/);
      const stepNames = await page.locator('#timeline ol.tl > li > strong').allInnerTexts();
      assert.equal(stepNames[0], 'Produced and coded');
      assert.equal(stepNames.at(-1), 'Sold at retail');
      assert.equal(await text(page, 'header a.lang'), '中文');
      await shot(page, 'scan-page-en');
      await page.close();
    });

    test('without JavaScript the page reads the same and the complaint form still files', async () => {
      const noScript = await browser!.newContext({ ...PHONE, javaScriptEnabled: false });
      try {
        noScript.setDefaultTimeout(15_000);
        const page = await noScript.newPage();
        await page.goto(`${server!.url}${CARTON_PATH}`);
        assert.equal(await page.locator('#timeline ol.tl > li').count(), CARTON_CHAIN.length);
        assert.match(await text(page, '#verification'), /记录已核验/);
        await page.locator('#complaint textarea[name="content"]').fill('无脚本提交：包装鼓胀');
        await page.locator('#complaint button[type="submit"]').click();
        await page.waitForURL(/\/complaints\/TS[0-9A-Z]+\?filed=1$/);
        assert.match(await text(page, '#tracking-no'), /^TS[0-9A-Z]+$/);
        assert.equal(await text(page, '#complaint-status'), '处理中');
      } finally {
        await noScript.close();
      }
    });

    test('a recall by the food regulator puts the red warning with its reason on the page', async () => {
      const reason = '批次 LY261106 菌落总数超标，请停止饮用';
      const recall = await api(server!, 'POST', '/api/v1/regulator/recalls', keys[FOOD_REGULATOR]!.key, { codes: [CARTON_LOT], reason, severity: 'level-2' });
      assert.equal(recall.status, 201, JSON.stringify(recall.json));
      assert.ok(recall.json.impact.units.some((u: { code: string }) => u.code === CARTON), 'the recall reaches the carton');

      const page = await phone.newPage();
      await page.goto(`${server!.url}${CARTON_PATH}`);
      const warning = page.locator('#recall');
      await warning.waitFor({ state: 'visible' });
      assert.match(await warning.innerText(), /召回警示/);
      assert.ok((await warning.innerText()).includes(reason), 'the warning gives the reason');
      assert.equal(await warning.getAttribute('role'), 'alert');
      assert.equal(await warning.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(209, 36, 47)', 'the warning is red');
      assert.equal(await page.locator('main > section').first().getAttribute('id'), 'recall', 'the warning comes before everything else');
      await shot(page, 'scan-page-recall');
      await page.close();
    });

    test('a complaint filed through the form, looked up by its number, answered by the regulator; the contact stays private', async () => {
      const contact = '13800138000';
      const content = '牛奶有异味，开盒后发现结块。';
      const page = await phone.newPage();
      await page.goto(`${server!.url}${CARTON_PATH}`);
      const form = page.locator('#complaint form');
      await form.locator('textarea[name="content"]').pressSequentially(content);
      await form.locator('input[name="contact"]').pressSequentially(contact);
      await form.locator('select[name="region"]').selectOption('441302');
      await form.locator('button[type="submit"]').click();
      await page.waitForURL(/\/complaints\/TS[0-9A-Z]+\?filed=1$/);
      const trackingNo = await text(page, '#tracking-no');
      assert.match(trackingNo, /^TS[0-9A-Z]+$/);
      assert.match(await text(page, 'section[role="status"]'), /投诉已受理/);
      assert.equal(await text(page, '#complaint-status'), '处理中');
      assert.ok((await page.content()).includes(content));
      assert.ok(!(await page.content()).includes(contact), 'the tracking page never shows the contact');

      // Later, from the lookup page: type the number in.
      await page.goto(`${server!.url}/complaints`);
      await page.locator('input[name="no"]').pressSequentially(trackingNo);
      await page.locator('form:has(input[name="no"]) button[type="submit"]').click();
      await page.waitForURL(new RegExp(`/complaints/${trackingNo}$`));
      assert.equal(await text(page, '#tracking-no'), trackingNo);
      assert.equal(await text(page, '#complaint-status'), '处理中');
      assert.equal(await page.locator('#complaint-answer').count(), 0);

      // The regulator of the product line sees it with the contact, and answers.
      const regulator = keys[FOOD_REGULATOR]!.key;
      const list = await api(server!, 'GET', '/api/v1/regulator/complaints', regulator);
      assert.equal(list.status, 200, JSON.stringify(list.json));
      const mine = (list.json as Array<{ id: string; trackingNo: string; contact: string | null; code: string | null; category: string | null; region: string | null }>)
        .find((c) => c.trackingNo === trackingNo);
      assert.ok(mine, 'the regulator lists the complaint');
      assert.equal(mine.contact, contact);
      assert.equal(mine.code, CARTON);
      assert.equal(mine.category, 'food');
      assert.equal(mine.region, '441302');
      const answer = '已责成企业下架同批次产品并送检，结果将在消费提示中公布。';
      const answered = await api(server!, 'POST', `/api/v1/regulator/complaints/${mine.id}/answer`, regulator, { answer });
      assert.equal(answered.status, 200, JSON.stringify(answered.json));

      await page.reload();
      assert.equal(await text(page, '#complaint-status'), '已答复');
      assert.ok((await text(page, '#complaint-answer')).includes(answer));
      const html = await page.content();
      assert.ok(!html.includes(contact), 'the answered tracking page still hides the contact');
      await shot(page, 'complaint-tracking');
      await page.close();
    });
  });
}
