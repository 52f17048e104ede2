// Service usage over HTTP on the demo's store: /services gives the figures
// of `safer visits` on the same store (the months, each ward's visits and
// rate, the distance bands, repeat visitors); an elected member (who may
// not see small counts) gets a ward's count of 1 to 4 visits as [c] and
// the others as the analyst; /services/pop-up gives the sites and the
// proof sentence of `safer visits --popup` for each objective and demand,
// and a value the form does not offer answers 400 with the error summary.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, doneTesting, newStore, serve, signIn, tmp } from './lib.mjs';

const db = process.env.SAFER_TEST_PG ? newStore('services') : join(tmp, 'demo', 'demo.db');
execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo'),
    ...(process.env.SAFER_TEST_PG ? ['--store', db] : [])], { cwd: tmp });
const srv = await serve(db);
const U = srv.url;
const analyst = (await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'))).jar;
const member = (await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'))).jar;

const cli = (args) => execFileSync(process.env.SAFER, ['--db', db, 'visits', ...args],
    { encoding: 'utf8' });
const csv = (text) => text.trim().split('\n').slice(1).map((l) => {
    const out = [];
    for (const m of l.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)) {
        if (m.index === l.length && out.length)
            break;
        out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    }
    return out;
});
const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>');
// Rows of the table whose caption is `caption`: [header, cells...].
function table(html, caption) {
    const at = html.indexOf(`${caption}</caption>`);
    if (at < 0)
        return [];
    const body = html.slice(at, html.indexOf('</table>', at));
    return [...body.matchAll(/<tr class="govuk-table__row">(.*?)<\/tr>/gs)].map((m) =>
        [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => unescape(c[1].trim())));
}
const metric = (rows, k) => (rows.find((r) => r[0] === k) || [])[1];

// ---- /services ----
let r = await analyst.get(`${U}/services`);
let html = await r.text();
check(r.status === 200 && html.includes('Services and who uses them') &&
    html.includes('role="img"') && html.includes('href="/services/pop-up"'),
`/services answers with the heat map: ${r.status}`);

const trend = csv(cli(['--trend']));
const months = table(html, 'Visits by month').slice(1);
check(months.length === trend.length && trend.every((t, i) => months[i][0] === t[0] && months[i][1] === t[1]),
    `the months are the CLI's: ${months.length} rows`);

const heat = csv(cli(['--heatmap']));
const hours = table(html, 'Visits by hour and weekday').slice(1);
const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
check(hours.length === 24 && heat.every(([d, h, n]) => hours[Number(h)][1 + days.indexOf(d)] === n),
    'the heat map table is the CLI\'s');

const wards = csv(cli(['--wards']));
const wrows = table(html, 'Visits by home ward').slice(1);
check(wrows.length === wards.length && wards.length > 20, `one row per ward: ${wrows.length}`);
wards.forEach((w, i) => {
    const row = wrows[i] || [];
    const want = [w[1], w[2], w[3], w[4] || '–', w[5]];
    check(JSON.stringify(row) === JSON.stringify(want), `ward ${w[0]}: ${row} against ${want}`);
});
const bands = csv(cli(['--distance']));
const brows = table(html, 'Visits per 1,000 residents by distance from the venue').slice(1);
check(brows.length === bands.length, `one row per band: ${brows.length}`);
bands.forEach((bd, i) => {
    const row = brows[i] || [];
    const want = [bd[3], bd[4], bd[5], bd[6] || '–'];
    check(JSON.stringify(row.slice(1)) === JSON.stringify(want), `band ${bd[0]}: ${row} against ${want}`);
});
const rep = csv(cli(['--repeat']));
check(html.includes(`<dd class="govuk-summary-list__value">${metric(rep, 'visitors')}</dd>`) &&
    html.includes(`${metric(rep, 'returned_within_window')} of ${metric(rep, 'eligible_visitors')}`) &&
    html.includes(metric(rep, 'share_returned')), 'repeat visitors are the CLI\'s');

// ---- an elected member: small counts hidden, the rest as the analyst ----
r = await member.get(`${U}/services`);
html = await r.text();
check(r.status === 200, `a member may read it: ${r.status}`);
const hidden = csv(cli(['--wards', '--hide-below', '5']));
const mrows = table(html, 'Visits by home ward').slice(1);
let nhidden = 0;
hidden.forEach((w, i) => {
    const row = mrows[i] || [];
    const want = w[2] === '' ? '[c]' : w[2];
    nhidden += w[2] === '';
    check(row[1] === want, `member, ward ${w[0]}: ${row[1]} against ${want}`);
});
check(nhidden > 0, `the demo has small ward counts to hide: ${nhidden}`);
check(wards.some((w) => Number(w[2]) >= 1 && Number(w[2]) <= 4), 'the analyst sees them');

// ---- /services/pop-up ----
for (const q of [{}, { p: '4' }, { p: '3', objective: 'median' },
    { p: '2', demand: 'visitors', distance: '2000' }, { p: '3', demand: 'records' }]) {
    const args = ['--popup', '--p', q.p || '2', '--within', q.distance || '3000',
        '--objective', q.objective || 'cover', '--demand', q.demand || 'residents'];
    const ref = csv(cli(args));
    const qs = new URLSearchParams(q).toString();
    r = await analyst.get(`${U}/services/pop-up${qs ? '?' + qs : ''}`);
    html = await r.text();
    const sites = [...(html.match(/<ol[^>]*id="popup-sites">(.*?)<\/ol>/s) || ['', ''])[1]
        .matchAll(/<li>(.*?)<\/li>/g)].map((m) => unescape(m[1]));
    const want = ref.filter((x) => /^site_/.test(x[0])).map((x) => x[1]);
    check(r.status === 200 && JSON.stringify(sites) === JSON.stringify(want),
        `pop-up ${qs || '(defaults)'}: ${sites} against ${want}`);
    check(html.includes(`Proved best: ${metric(ref, 'proof')}.`), `the proof: ${metric(ref, 'proof')}`);
}
for (const bad of ['p=9', 'distance=far', 'objective=nearest', 'demand=cars']) {
    r = await analyst.get(`${U}/services/pop-up?${bad}`);
    html = await r.text();
    check(r.status === 400 && html.includes('govuk-error-summary') && html.includes('<title>Error:'),
        `${bad}: 400 with the error summary (${r.status})`);
}

// ---- /analysis links to it ----
r = await analyst.get(`${U}/analysis`);
check((await r.text()).includes('href="/services"'), '/analysis lists the services');

await srv.stop();
doneTesting();
