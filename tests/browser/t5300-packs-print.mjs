// The packs (docs/workspace.md, Packs) served from the demo's store, as
// the executive and an elected member meet them in Debian's chromium:
// - on screen, axe-core finds no WCAG 2.2 A or AA violation at 1366 and
//   390 px;
// - printed (page.pdf, format A4): the PDF is A4, the cover is a page of
//   its own, each priority starts a page, every page has the running
//   footer with "Page n of m", and no table row is split across pages
//   (every cell of a row is found whole on one page);
// - the print style sheet keeps rows whole and repeats table heads;
// - the member may have the scrutiny pack and not the executive's, and
//   the scrutiny pack names none of the demo's people.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
    AXE_TAGS, DESKTOP, PHONE, axeViolations, check, describeViolations, doneTesting, launch, load,
    skip, tempDir,
} from './lib.mjs';

const PDFTOTEXT = '/usr/bin/pdftotext';
const PDFINFO = '/usr/bin/pdfinfo';
if (!process.env.SAFER)
    skip('set SAFER to the safer binary');
const { chromium, axeSource } = await load();
if (!existsSync(PDFTOTEXT) || !existsSync(PDFINFO))
    skip(`no ${PDFTOTEXT} or ${PDFINFO} (apt-get install poppler-utils)`);
const dir = tempDir();

const demo = execFileSync(process.env.SAFER, ['demo', '--out', join(dir, 'demo')],
    { encoding: 'utf8', cwd: dir });
const db = join(dir, 'demo', 'demo.db');
const logins = {};
for (const m of demo.matchAll(/^login: (\S+) (\S+) (\S+)$/gm))
    logins[m[3]] = { email: m[1], password: m[2] };
check(logins.executive && logins.member, `the demo prints the executive's and member's logins: ${demo}`);
// The people of the demo, whose names the scrutiny pack must not show.
const people = execFileSync(process.env.SAFER, ['--db', db, 'user', 'list'], { encoding: 'utf8' })
    .split('\n').filter((l) => l).map((l) => l.split('\t')[1]);
check(people.length >= 5, `safer user list names the demo's people: ${people}`);

const srv = spawn(process.env.SAFER, ['--db', db, 'serve', '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
srv.stdout.on('data', (d) => { out += d; });
let log = '';
srv.stderr.on('data', (d) => { log += d; });
const exited = new Promise((resolve) => srv.on('exit', (code) => resolve(code)));
process.on('exit', () => srv.kill('SIGKILL'));
let base;
for (let i = 0; i < 500 && !base; i++) {
    const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m)
        base = m[1];
    else
        await new Promise((r) => setTimeout(r, 20));
}
if (!base) {
    console.error(`FAIL: safer serve did not start: ${out}`);
    process.exit(1);
}

const ctx = await launch(chromium, dir);
const page = ctx.pages()[0] || await ctx.newPage();
const flat = (s) => s.replace(/[\s\u00ad-]+/g, '');

async function signIn(role) {
    await ctx.clearCookies();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('E-mail address').fill(logins[role].email);
    await page.getByLabel('Password').fill(logins[role].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    check(new URL(page.url()).pathname === '/', `signed in as ${role}: ${page.url()}`);
}

// Open a pack, check it on screen and printed; its PDF's pages as text.
async function pack(role, kind) {
    const r = await page.goto(`${base}/packs/${kind}`);
    check(r.status() === 200, `${role}: /packs/${kind} answered ${r.status()}`);
    for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        const vs = await axeViolations(page, axeSource);
        check(vs.length === 0, `axe (${AXE_TAGS.join(', ')}) on the ${kind} pack at ${size.width} px:\n  ${describeViolations(vs)}`);
    }
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ media: 'print' });
    const css = await page.evaluate(() => ({
        cover: getComputedStyle(document.querySelector('.cover')).breakAfter,
        sections: [...document.querySelectorAll('section.priority')].map((s) => ({
            title: s.querySelector('h2').textContent,
            breakBefore: getComputedStyle(s).breakBefore,
        })),
        rowsWhole: [...document.querySelectorAll('tr')].every((t) => getComputedStyle(t).breakInside === 'avoid'),
        headsRepeat: [...document.querySelectorAll('thead')].every((t) => getComputedStyle(t).display === 'table-header-group'),
        rows: [...document.querySelectorAll('tbody tr')].map((t) => [...t.children].map((c) => c.textContent)),
        svgs: document.querySelectorAll('figure svg').length,
    }));
    check(css.cover === 'page', `${kind}: the cover is not a page of its own (${css.cover})`);
    check(css.sections.length >= 8, `${kind}: ${css.sections.length} priority sections`);
    for (const s of css.sections)
        check(s.breakBefore === 'page', `${kind}: '${s.title}' does not start a page`);
    check(css.rowsWhole, `${kind}: a table row may be split across pages`);
    check(css.headsRepeat, `${kind}: a table head is not repeated on a new page`);
    check(css.svgs > 0, `${kind}: no trend chart`);
    const pdf = join(dir, `${kind}.pdf`);
    writeFileSync(pdf, await page.pdf({ format: 'A4' }));
    await page.emulateMedia({ media: 'screen' });
    const info = execFileSync(PDFINFO, [pdf]).toString();
    check(/Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.\d* x 842/.test(info),
        `${kind}: the PDF is not A4: ${info.match(/Page size:.*/)}`);
    const pages = execFileSync(PDFTOTEXT, [pdf, '-'], { maxBuffer: 64 << 20 }).toString()
        .split('\f').filter((p) => p.trim().length > 0);
    check(pages.length > css.sections.length, `${kind}: ${pages.length} pages for ${css.sections.length} priorities and a cover`);
    pages.forEach((p, i) => {
        check(p.includes(`Page ${i + 1} of ${pages.length}`), `${kind}: page ${i + 1} has no 'Page ${i + 1} of ${pages.length}'`);
        check(p.includes(`${kind} pack`) && p.includes('Safer Maidstone Partnership'),
            `${kind}: page ${i + 1} has no footer naming the partnership and the pack`);
    });
    check(!flat(pages[0]).includes(flat('Status of each priority')) && !flat(pages[0]).includes('Summary'),
        `${kind}: the cover shares its page with what follows`);
    // Each priority's heading begins a page: it is the first text of one.
    for (const s of css.sections) {
        const head = flat(s.title).slice(0, 40);
        check(pages.some((p) => flat(p).startsWith(head)), `${kind}: no page begins with '${s.title}'`);
    }
    // No row split: every cell of a row is whole on one page.
    const flatPages = pages.map(flat);
    let split = 0;
    for (const row of css.rows) {
        const cells = row.map(flat).filter((c) => c.length > 0);
        if (!flatPages.some((p) => cells.every((c) => p.includes(c)))) {
            split++;
            check(false, `${kind}: the row '${row.join(' | ').slice(0, 80)}' is not whole on one page`);
        }
    }
    check(css.rows.length > 0, `${kind}: no table rows to check`);
    return pages.join('\n');
}

await signIn('executive');
const dash = await page.goto(`${base}/`);
check(dash.status() === 200, 'the dashboard');
const links = await page.locator('main a[href^="/packs/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
check(links.includes('/packs/executive') && links.includes('/packs/scrutiny'),
    `the executive's dashboard links both packs: ${links}`);
const exec = await pack('executive', 'executive');
check(exec.includes('Decisions asked of the group') && exec.includes('Overdue actions'),
    'the executive pack has its decisions and overdue actions');
check(people.some((n) => exec.includes(n)), 'the executive pack names the leads');

await signIn('member');
const member = await page.goto(`${base}/`);
check(member.status() === 200, 'the member\'s dashboard');
const mlinks = await page.locator('main a[href^="/packs/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
check(mlinks.length === 1 && mlinks[0] === '/packs/scrutiny', `the member's dashboard links the scrutiny pack only: ${mlinks}`);
const refused = await page.goto(`${base}/packs/executive`);
check(refused.status() === 403, `the member asking for the executive pack: ${refused.status()}`);
const scr = await pack('member', 'scrutiny');
for (const n of people)
    check(!scr.includes(n), `the scrutiny pack names ${n}`);
check(!/@/.test(scr), 'the scrutiny pack shows an e-mail address');
check(scr.includes('Summary') && scr.includes('Actions by status'), 'the scrutiny pack has its summary and its counts');

await ctx.close();
srv.kill('SIGTERM');
check(await exited === 0, 'the server stops on SIGTERM with status 0');
check(/ GET \/packs\/scrutiny 200 /.test(log) && / GET \/packs\/executive 403 /.test(log),
    'the request log has the packs asked for, and the refusal');
doneTesting();
