// Area intelligence over HTTP on the demo's store: the near-repeat page
// and its CSV give the figures of `safer nearrepeat` in store mode for the
// partnership's area (same breaks, permutations and seed): the CSV byte for
// byte, the page's observed, expected, ratio and p per cell, rounded as
// shown, and a raised tag exactly where p <= 0.05 and the ratio is above
// 1; an elected member gets cells of 1 to 4 pairs withheld and every other
// cell as the analyst; a category that is not police.uk's answers 400 with
// the error summary (the CSV 400). The ward clusters page and CSV: one row
// per ward, K clusters of 1 to 4 wards, a K the form refuses 400 with the
// error summary.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser, check, doneTesting, newStore, serve, signIn, tmp } from './lib.mjs';

// The demo's store on the engine the run picks: its own SQLite file, or a
// PostgreSQL database under SAFER_TEST_PG.
const db = process.env.SAFER_TEST_PG ? newStore('analysis') : join(tmp, 'demo', 'demo.db');
execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo'),
    ...(process.env.SAFER_TEST_PG ? ['--store', db] : [])], { cwd: tmp });
const srv = await serve(db);
const U = srv.url;
const analyst = (await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'))).jar;
const member = (await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'))).jar;

// The reference: the command, on the same store, for the partnership's area
// (the demo's own CSP code, lib/run/demo.c).
const AREA = 'E22900001';
const refFile = join(tmp, 'nearrepeat.csv');
execFileSync(process.env.SAFER, ['--db', db, 'nearrepeat', '--category', 'Burglary', '--area',
    AREA, '--out', refFile]);
const ref = readFileSync(refFile, 'utf8');
const rows = ref.trim().split('\n').slice(1).map((l) => l.split(','));
const H = ref.split('\n')[0].split(',');
const col = (r, name) => r[H.indexOf(name)];
check(rows.length === 24, `the reference has 6 x 4 cells: ${rows.length}`);

// ---- the list ----
let r = await analyst.get(`${U}/analysis`);
let html = await r.text();
check(r.status === 200 && html.includes('href="/analysis/near-repeat"') &&
    html.includes('href="/analysis/clusters"') && html.includes('href="/wards"') &&
    html.includes('href="/projects"'),
`/analysis lists the analyses: ${r.status}`);
r = await member.get(`${U}/analysis`);
html = await r.text();
check(r.status === 200 && html.includes('href="/analysis/clusters"') && !html.includes('href="/projects"'),
    'a member is not offered the projects');

// ---- near repeats, the analyst ----
r = await analyst.get(`${U}/analysis/near-repeat.csv?category=Burglary`);
const csv = await r.text();
check(r.status === 200 && /text\/csv/.test(r.headers.get('content-type')), `the CSV: ${r.status}`);
check(csv === ref, 'the CSV is the one `safer nearrepeat --category Burglary` writes');

r = await analyst.get(`${U}/analysis/near-repeat`);
html = await r.text();
check(r.status === 200 && html.includes('Near repeats: Burglary') && html.includes('<option value="Burglary" selected>'),
    `the page defaults to Burglary: ${r.status}`);
check(html.includes('govuk-details') && html.includes('href="/analysis/near-repeat.csv?category=Burglary"'),
    'how to read it, and the CSV link');
const body = html.slice(html.indexOf('Pairs of records by distance'));
const trs = [...body.matchAll(/<tr class="govuk-table__row">(.*?)<\/tr>/gs)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]));
const cells = trs.filter((t) => t.length === 7);
check(cells.length === rows.length, `one table row per cell: ${cells.length}`);
const fix = (v, p) => (v === 'NA' ? 'not defined' : Number(v).toFixed(p));
let raised = 0;
rows.forEach((row, i) => {
    const c = cells[i] || [];
    const want = [col(row, 'observed'), fix(col(row, 'exact_mean'), 2), fix(col(row, 'knox_ratio'), 2),
        fix(col(row, 'p_value'), 3)];
    const got = [c[2], c[3], c[4], c[5]];
    check(JSON.stringify(got) === JSON.stringify(want),
        `cell ${col(row, 'space_band')},${col(row, 'time_band')}: ${got} against ${want}`);
    const sig = Number(col(row, 'p_value')) <= 0.05 && Number(col(row, 'knox_ratio')) > 1;
    raised += sig;
    check((c[6] || '').includes('Raised') === sig, `cell ${i + 1} tagged raised: ${sig}`);
});
console.log(`# ${raised} raised cells of ${rows.length}`);

r = await analyst.get(`${U}/analysis/near-repeat?category=Vehicle%20crime`);
html = await r.text();
check(r.status === 200 && html.includes('Near repeats: Vehicle crime'), `another category: ${r.status}`);

// ---- a category that is not police.uk's ----
r = await analyst.get(`${U}/analysis/near-repeat?category=%3Cscript%3EBurglary`);
html = await r.text();
check(r.status === 400 && html.includes('govuk-error-summary') && html.includes('href="#category"') &&
    !html.includes('<script>Burglary'), `a bad category: ${r.status}`);
r = await analyst.get(`${U}/analysis/near-repeat.csv?category=Nope`);
check(r.status === 400, `a bad category's CSV: ${r.status}`);

// ---- the member: small cells withheld ----
r = await member.get(`${U}/analysis/near-repeat.csv?category=Burglary`);
const mrows = (await r.text()).trim().split('\n').slice(1).map((l) => l.split(','));
check(r.status === 200 && mrows.length === rows.length, `the member's CSV: ${r.status}`);
let withheld = 0;
rows.forEach((row, i) => {
    const o = Number(col(row, 'observed'));
    const m = mrows[i] || [];
    if (o >= 1 && o <= 4) {
        withheld++;
        check(['observed', 'mean_sim', 'sd_sim', 'median_sim', 'knox_ratio', 'p_value']
            .every((n) => col(m, n) === 'NA') && col(m, 'exact_mean') === col(row, 'exact_mean'),
        `cell ${i + 1} of ${o} pairs withheld from the member`);
    } else {
        check(m.join(',') === row.join(','), `cell ${i + 1} of ${o} pairs shown to the member`);
    }
});
r = await member.get(`${U}/analysis/near-repeat`);
html = await r.text();
check(r.status === 200 && html.includes('fewer than 5') === (withheld > 0),
    `the member's page says "fewer than 5" for ${withheld} cells`);
check(html.includes('would give its count away'), 'and says why');

// ---- ward clusters ----
r = await analyst.get(`${U}/analysis/clusters`);
html = await r.text();
check(r.status === 200 && /Proved optimal|Best found/.test(html) && html.includes('Total cost'),
    `the clusters page: ${r.status}`);
const k = Number((html.match(/name="k"[^>]*value="(\d+)"/) || [])[1]);
check(k >= 1, `the form holds the assessment's K: ${k}`);
r = await analyst.get(`${U}/analysis/clusters.csv?k=${k + 1}`);
const ccsv = (await r.text()).trim().split('\n');
check(r.status === 200 && ccsv[0] === 'area_code,cluster', `the clusters CSV: ${r.status}`);
const size = new Map();
for (const l of ccsv.slice(1)) {
    const c = l.split(',')[1];
    size.set(c, (size.get(c) || 0) + 1);
}
check(size.size === k + 1 && [...size.values()].every((n) => n >= 1 && n <= 4),
    `${k + 1} clusters of 1 to 4 wards: ${[...size.entries()]}`);
const wards = Number((html.match(/Wards<\/dt><dd class="govuk-summary-list__value">(\d+)/) || [])[1]);
check(wards > 0 && ccsv.length - 1 === wards, `one row per ward: ${ccsv.length - 1} of ${wards}`);
r = await analyst.get(`${U}/analysis/clusters?k=0`);
html = await r.text();
check(r.status === 400 && html.includes('govuk-error-summary') && html.includes('href="#k"'),
    `K 0: ${r.status}`);
r = await analyst.get(`${U}/analysis/clusters?k=1`);
html = await r.text();
check(r.status === 400 && html.includes('govuk-error-summary') && html.includes('No partition'),
    `one cluster of at most 4 wards: ${r.status}`);
r = await analyst.get(`${U}/analysis/clusters.csv?k=abc`);
check(r.status === 400, `a bad K's CSV: ${r.status}`);

// ---- hot spots over time and harm ----
r = await analyst.get(`${U}/analysis/hot-spots`);
html = await r.text();
check(r.status === 200 && (html.match(/<svg/g) || []).length === 3, `the hot spots page and its 3 maps: ${r.status}`);
const persist = (await (await analyst.get(`${U}/report/hotspot_persistence.csv`)).text()).trim().split('\n');
const pcol = persist[0].split(',').indexOf('persistence');
const byClass = new Map();
for (const l of persist.slice(1)) {
    const c = l.split(',')[pcol];
    byClass.set(c, (byClass.get(c) || 0) + 1);
}
for (const [label, name] of [['Persistent', 'persistent'], ['Emerging', 'emerging'], ['Former', 'former'],
    ['Intermittent', 'intermittent'], ['Never a hot spot', 'never']]) {
    const m = html.match(new RegExp(`<td class="govuk-table__cell">${label}</td><td[^>]*>(\\d+)</td>`));
    check(m && Number(m[1]) === (byClass.get(name) || 0),
        `${label} squares as hotspot_persistence.csv: ${m && m[1]} against ${byClass.get(name) || 0}`);
}
const hw = (await (await analyst.get(`${U}/report/harm_by_ward.csv`)).text()).trim().split('\n');
const hh = hw[0].split(',');
const wardHarm = new Map();
for (const l of hw.slice(1)) {
    const f = l.split(',');
    const v = Number(f[hh.indexOf('harm')]);
    const name = f[hh.indexOf('ward_name')];
    if (Number.isFinite(v))
        wardHarm.set(name, (wardHarm.get(name) || 0) + v);
}
check(wardHarm.size > 0, `harm_by_ward.csv has wards: ${wardHarm.size}`);
for (const [name, v] of wardHarm) {
    const m = html.match(new RegExp(`<td class="govuk-table__cell">${name}</td><td[^>]*>(\\d+)</td>`));
    check(m && Number(m[1]) === Math.round(v), `${name}'s harm as harm_by_ward.csv: ${m && m[1]} against ${v}`);
}
r = await member.get(`${U}/analysis/hot-spots`);
html = await r.text();
check(r.status === 200 && !html.includes('Harm by ward') && html.includes('/report/public/index.html#harm'),
    `a member sees the maps, and the harm tables in the public edition: ${r.status}`);

check(await srv.stop() === 0, 'SIGTERM: exit 0 (no leak under the sanitizers)');
doneTesting();
