// Ward profiles over HTTP on the demo's store: /wards lists every ward in
// the order of the focus index that `safer focus` writes for the same
// store, with the proposed focus area; /wards/{code} shows a ward's
// profile (categories, the IoD2019 domains, neighbours that link back);
// an unknown ward is 404; the public is sent to sign in. On the hand-made
// wards, an analyst sees every count and an elected member sees counts
// from 1 to 4 hidden with the rates made from them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addUser, check, doneTesting, planStore, safer, serve, signIn, tmp } from './lib.mjs';

// The demo builds its own SQLite store (as t4500 does).
execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo')], { cwd: tmp });
const db = join(tmp, 'demo', 'demo.db');
const csv = join(tmp, 'focus.csv');
execFileSync(process.env.SAFER, ['--db', db, 'focus', '--area', 'E07900001', '--out', csv],
    { cwd: tmp, stdio: 'ignore' });
const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
check(rows.length === 26, `safer focus ranks the demo's 26 wards: ${rows.length}`);

const srv = await serve(db);
const U = srv.url;
const analyst = await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'));

let r = await fetch(`${U}/wards`, { redirect: 'manual' });
check(r.status === 303, `the public's /wards: ${r.status}`);

r = await analyst.jar.get(`${U}/wards`);
let html = await r.text();
check(r.status === 200 && html.includes('<h1 class="govuk-heading-l">Wards</h1>'), `/wards: ${r.status}`);
const order = [...html.matchAll(/<a class="govuk-link" href="\/wards\/(E\d+)">/g)].map((m) => m[1]);
// The inset names the focus area's wards first, then the table lists all.
const table = order.slice(order.length - 26);
check(table.length === 26 && table.join() === rows.map((x) => x[1]).join(),
    `the table is in the focus order of safer focus: ${table.slice(0, 5)}`);
const area = rows.filter((x) => x[9] === '1').map((x) => x[1]);
const inset = html.split('govuk-inset-text')[1] || '';
check(area.length >= 2 && area.every((c) => inset.includes(`/wards/${c}"`)),
    `the proposed focus area ${area} is named`);
check(html.includes('Proposed focus area:'), 'the page says which area is proposed');
check(html.includes('aria-current="page">Wards</a>'), 'the navigation has Wards, current');

// One ward: its profile, and its neighbours link to wards of the list.
const top = rows[0][1];
r = await analyst.jar.get(`${U}/wards/${top}`);
html = await r.text();
check(r.status === 200 && html.includes('Ward profile'), `/wards/${top}: ${r.status}`);
check(html.includes('>Focus rank<') && html.includes('>1 of 26<'), 'the top ward is ranked 1 of 26');
check((html.match(/<tr class="govuk-table__row"><td class="govuk-table__cell">(Index of Multiple|Income|Employment|Education|Health|Crime|Barriers|Living)/g) || []).length === 8,
    'the IMD and its seven domains');
const nb = [...html.split('Neighbouring wards')[1].matchAll(/href="\/wards\/(E\d+)"/g)].map((m) => m[1]);
check(nb.length > 0 && nb.every((c) => table.includes(c)), `neighbours: ${nb}`);
check(/Harm, latest 12 months<\/dt><dd class="govuk-summary-list__value">\d+ \(\d+\.\d per 1,000 residents\)/.test(html),
    'the ward\'s harm, with its rate');
// Its ward cluster: as the report's, and its other wards linked.
const cl = html.match(/Ward cluster<\/dt><dd class="govuk-summary-list__value">Cluster (\d+), as in the report/);
check(cl !== null, 'the ward\'s cluster is named');
const mates = html.includes('Its ward cluster')
    ? [...html.split('Its ward cluster')[1].split('Neighbouring wards')[0].split('All wards')[0]
        .matchAll(/href="\/wards\/(E\d+)"/g)].map((m) => m[1])
    : [];
check(mates.length <= 3 && mates.every((c) => table.includes(c)), `cluster mates: ${mates}`);

r = await analyst.jar.get(`${U}/wards/E05999999`);
check(r.status === 404, `an unknown ward: ${r.status}`);

// The store keeps a page for everyone of the role (view.h): the second
// view is the first's page (apart from the header's form token), and a
// change to the store draws it again.
const below = (t) => t.split('<main')[1];
const first = below(await (await analyst.jar.get(`${U}/wards/${top}`)).text());
const again = below(await (await analyst.jar.get(`${U}/wards/${top}`)).text());
check(first && first === again, 'a ward page seen twice is the same page');
const second = await signIn(srv, await addUser(db, srv, 'analyst', 'analyst2@example.org'));
r = await second.jar.get(`${U}/wards/${top}`);
check(below(await r.text()) === first, "another analyst sees the same ward page");

await srv.stop();

// Small counts, on the hand-made wards of the test partnership (district
// E07000001: Alpha and Beta), whose one month has counts from 1 to 4:
// the analyst sees them, the member sees [c] instead, and the rates made
// from them hidden too; the deprivation is public data, shown to both
// (Alpha's IMD: (1000 x 3000 + 3000 x 9000) / 4000 = 7,500).
const fx = planStore('fixture');
const D = new URL('../data', import.meta.url).pathname;
safer(fx, ['import', 'plan', join(D, 'plans', 'safer-test.json')]);
safer(fx, ['import', 'areas', join(D, 'areas', 'wards.geojson')]);
safer(fx, ['import', 'police', join(D, 'police', '2019-01-kent-street.csv')]);
safer(fx, ['import', 'lookup', join(D, 'lookup_lsoa_ward.csv')]);
safer(fx, ['import', 'lookup', join(D, 'lookup_csp.csv')]);
safer(fx, ['import', 'lookup', join(D, 'focus', 'lookup_extra.csv')]);
safer(fx, ['import', 'population', join(D, 'focus', 'population.csv')]);
safer(fx, ['import', 'deprivation', join(D, 'focus', 'domains.csv')]);
const fsrv = await serve(fx);
const F = fsrv.url;
const opts = ['--partnership', 'E22000001'];
const fa = await signIn(fsrv, await addUser(fx, fsrv, 'analyst', 'a@test.example.org', opts));
const fm = await signIn(fsrv, await addUser(fx, fsrv, 'member', 'm@test.example.org', opts));
const small = (t) => (t.match(/govuk-table__cell--numeric">[1-4]<\/td>/g) || []).length;
const cats = (t) => t.slice(t.lastIndexOf('Records by category')).split('</table>')[0];
const ra = await fa.jar.get(`${F}/wards/E05000001`);
const a = await ra.text();
check(ra.status === 200, `the analyst's /wards/E05000001: ${ra.status}`);
const m = await (await fm.jar.get(`${F}/wards/E05000001`)).text();
check(small(cats(a)) > 0, `the analyst sees Alpha's small counts: ${small(cats(a))}`);
check(small(cats(m)) === 0 && (cats(m).match(/>\[c\]</g) || []).length >= 2 * small(cats(a)),
    'the member sees them hidden, with their rates');
check(a.includes('>7500<') && m.includes('>7500<'), "both see Alpha's IMD rank");
const total = 'Records, latest 12 months</dt><dd class="govuk-summary-list__value">';
check(a.includes(`${total}3<`) && m.includes(`${total}[c]<`),
    "Alpha's total of 3: the analyst's, hidden from the member");
const list = await (await fm.jar.get(`${F}/wards`)).text();
check(list.includes('href="/wards/E05000001"') && list.includes('href="/wards/E05000002"') &&
    !list.includes('href="/wards/E05000003"'), "the partnership's wards, Alpha and Beta");
await fsrv.stop();
doneTesting();
