// Partner agencies' data over HTTP on the demo's store: /partners lists the
// three fictional data sets; a data set's CSV is byte for byte what
// `safer partner counts` writes on the same store (suppressed for an
// elected member, whose role may not see counts under the threshold, and
// unsuppressed, as `--unsuppressed`, for an analyst, whose role may); the
// page's "All wards" row and its by-ward figures agree with the CSV; the
// member's page shows [c] and never a count from 1 to threshold - 1; the
// data-share pack is a document whose partner tables hide the same way;
// a quarter that is not one answers 400 with the error summary.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, doneTesting, newStore, serve, signIn, tmp, DOCUMENT_CSP } from './lib.mjs';

const db = process.env.SAFER_TEST_PG ? newStore('partners') : join(tmp, 'demo', 'demo.db');
execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo'),
    ...(process.env.SAFER_TEST_PG ? ['--store', db] : [])], { cwd: tmp });
const srv = await serve(db);
const U = srv.url;
const analyst = (await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'))).jar;
const member = (await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'))).jar;
const cli = (...args) => execFileSync(process.env.SAFER, ['--db', db, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();

// ---- the list ----
let r = await member.get(`${U}/partners`);
let html = await r.text();
check(r.status === 200, `/partners: ${r.status}`);
for (const key of ['assault-admissions', 'council-asb', 'deliberate-fires'])
    check(html.includes(`href="/partners/${key}"`), `the list links ${key}`);
check(html.includes('action="/packs/data-share"'), 'the pack form');
r = await member.get(`${U}/analysis`);
html = await r.text();
check(html.includes('href="/partners"'), '/analysis links to /partners');

// ---- the CSV equals the command's, per role ----
for (const key of ['assault-admissions', 'deliberate-fires']) {
    const refMember = cli('partner', 'counts', key);
    const refAnalyst = cli('partner', 'counts', key, '--unsuppressed');
    r = await member.get(`${U}/partners/csv/${key}`);
    const m = await r.text();
    check(r.status === 200 && /text\/csv/.test(r.headers.get('content-type')), `${key} CSV: ${r.status}`);
    check(m === refMember, `${key}: the member's CSV is safer partner counts'`);
    r = await analyst.get(`${U}/partners/csv/${key}`);
    const a = await r.text();
    check(a === refAnalyst, `${key}: the analyst's CSV is safer partner counts --unsuppressed'`);
    const mm = await (await member.get(`${U}/partners/csv/${key}?by=month`)).text();
    check(mm === cli('partner', 'counts', key, '--by-month'), `${key}: by month, as the command`);
    check(key !== 'deliberate-fires' || m.includes('[c]') || mm.includes('[c]'),
        `${key}: something is suppressed for the member`);
}

// ---- the page: figures as the CSV, small counts hidden for a member ----
const threshold = 5;
const ref = cli('partner', 'counts', 'assault-admissions', '--by-month').trim().split('\n').slice(1)
    .map((l) => l.split(','));
const cellsOf = (h, caption) => {
    const part = h.slice(h.indexOf(caption));
    const body = part.slice(0, part.indexOf('</table>'));
    return [...body.matchAll(/<tr class="govuk-table__row">(.*?)<\/tr>/gs)].map((x) =>
        [...x[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1])).filter((x) => x.length);
};
r = await member.get(`${U}/partners/assault-admissions`);
html = await r.text();
check(r.status === 200 && html.includes('Hospital admissions for assault'), `the page: ${r.status}`);
const byMonth = cellsOf(html, 'By month, all wards');
const refMonths = ref.filter((x) => x[0] === 'all');
check(byMonth.length === refMonths.length && byMonth.length > 0, `one row a month: ${byMonth.length}`);
byMonth.forEach((row, i) => check(row[1] === refMonths[i][3],
    `month ${refMonths[i][2]}: ${row[1]} as the CSV's ${refMonths[i][3]}`));
const byWard = cellsOf(html, 'By ward, all months held');
for (const row of byWard)
    for (const v of [row[1]])
        check(v === '[c]' || !(Number(v) >= 1 && Number(v) < threshold), `no small count shown: ${v}`);
check(/Pearson&#39;s r|Pearson's r/.test(html), 'the correlation by ward');
r = await analyst.get(`${U}/partners/assault-admissions`);
html = await r.text();
check(!html.includes('[c]'), 'the analyst sees every count');
r = await member.get(`${U}/partners/no-such-set`);
check(r.status === 404, `an unknown data set: ${r.status}`);

// ---- the data-share pack ----
r = await member.get(`${U}/packs/data-share?quarter=2018-Q4`);
html = await r.text();
check(r.status === 200 && r.headers.get('content-security-policy') === DOCUMENT_CSP,
    `the pack is a document: ${r.status}`);
check(html.includes('Data-share pack, 2018-Q4') && html.includes('Police.uk records by category'),
    'the pack holds the quarter and the police figures');
const packCells = [...html.matchAll(/<td class="n">([^<]*)<\/td>/g)].map((x) => x[1]);
check(packCells.includes('[c]'), 'the pack hides small partner counts');
r = await member.get(`${U}/packs/data-share?quarter=2018-Q9`);
html = await r.text();
check(r.status === 400 && html.includes('govuk-error-summary'), `a bad quarter: ${r.status}`);

check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
