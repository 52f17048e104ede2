// The workspace in Debian's chromium, with the server's own
// Content-Security-Policy in force: govuk-frontend's CSS, fonts and script
// load and run with no CSP violation and no script error; a person signs
// in through the form and reaches the dashboard, with JavaScript and
// without; axe-core finds no WCAG 2.2 A or AA violation on the pages.
// Uses playwright-core and axe-core from tests/browser/node_modules (npm ci
// there); skipped without them or without /usr/bin/chromium.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HERE, PASSWORD, addUser, check, doneTesting, planStore, serve, skip } from './lib.mjs';

const BROWSER = join(HERE, '..', 'browser');
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(join(BROWSER, 'node_modules', 'playwright-core')) ||
    !existsSync(join(BROWSER, 'node_modules', 'axe-core')))
    skip(`no node_modules in ${BROWSER} (npm ci there, or scripts/setup.sh --tests)`);
if (!existsSync(CHROMIUM))
    skip(`no ${CHROMIUM} (apt-get install chromium)`);
const require = createRequire(join(BROWSER, 'package.json'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const db = planStore();
const srv = await serve(db);
const U = srv.url;
const coord = await addUser(db, srv, 'coordinator');

const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Run axe on the page (its script is added through the DevTools protocol,
// which the page's CSP does not govern).
async function axe(page, what) {
    if (!page.context().js)
        return; /* axe runs as a script in the page */
    await page.evaluate(axeSource);
    const v = await page.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })).violations.map((x) => `${x.id}: ${x.nodes.length} (${x.help})`));
    check(v.length === 0, `${what}: axe found ${v.join('; ')}`);
}

for (const js of [true, false]) {
    const how = js ? 'with JavaScript' : 'without JavaScript';
    const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1366, height: 768 } });
    context.js = js;
    const page = await context.newPage();
    const problems = [];
    // A refused sign-in is re-shown with status 400, which chromium
    // reports on the console: that one is expected.
    page.on('console', (m) => {
        if ((m.type() === 'error' && !/status of 400/.test(m.text())) ||
            /Content.Security.Policy/i.test(m.text()))
            problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    const failed = [];
    // A request the browser itself gave up on because the page moved on
    // (net::ERR_ABORTED), and the favicon, which the browser fetches on its
    // own schedule outside the page (and drops when a form is sent), are
    // not failures of the server's; the favicon's answer is still checked
    // below when it comes. Every other failure counts.
    page.on('requestfailed', (r) => {
        const why = r.failure() ? r.failure().errorText : '';
        if (why !== 'net::ERR_ABORTED' && !/\/assets\/images\/favicon\./.test(r.url()))
            failed.push(`${r.url()} (${why})`);
    });
    page.on('response', (r) => {
        if (r.status() >= 400 && !(r.status() === 400 && r.url() === `${U}/sign-in`))
            failed.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${U}/`);
    check(page.url() === `${U}/sign-in`, `${how}: / leads to ${page.url()}`);
    if (js) {
        await page.evaluate(() => document.fonts.ready);
        const look = await page.evaluate(() => ({
            supported: document.body.classList.contains('govuk-frontend-supported'),
            font: getComputedStyle(document.querySelector('h1')).fontFamily,
            button: getComputedStyle(document.querySelector('.govuk-button')).backgroundColor,
        }));
        check(look.supported, `${how}: govuk-frontend's script did not run`);
        check(/GDS Transport/.test(look.font), `${how}: the heading's font is ${look.font}`);
        check(look.button !== 'rgba(0, 0, 0, 0)' && look.button !== 'rgb(239, 239, 239)',
            `${how}: the button is styled (${look.button})`);
    }
    await axe(page, `the sign-in page ${how}`);

    // A wrong password: the error summary, linked to the field.
    await page.fill('#email', coord.email);
    await page.fill('#password', 'not the password at all');
    await Promise.all([page.waitForNavigation(), page.click('button.govuk-button')]);
    check(await page.locator('.govuk-error-summary').count() === 1, `${how}: a refusal shows the error summary`);
    await axe(page, `the sign-in page with an error ${how}`);

    await page.fill('#email', coord.email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button.govuk-button')]);
    check(page.url() === `${U}/`, `${how}: signing in leads to ${page.url()}`);
    check(await page.locator('h1').textContent() === 'Safer Maidstone Partnership', `${how}: the dashboard's heading`);
    await axe(page, `the dashboard ${how}`);
    await page.goto(`${U}/account/sessions`);
    await axe(page, `the sessions page ${how}`);
    await page.goto(`${U}/public/E22000142`);
    await axe(page, `the public summary ${how}`);

    // Sign out through the navigation's form.
    await Promise.all([page.waitForNavigation(), page.click('button.safer-nav-button')]);
    check(page.url() === `${U}/sign-in`, `${how}: signing out leads to ${page.url()}`);

    check(problems.length === 0, `${how}: console errors or CSP reports: ${problems.join(' | ')}`);
    check(failed.length === 0, `${how}: failed requests: ${failed.join(' ')}`);
    await context.close();
}

await browser.close();
check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
