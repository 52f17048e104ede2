// A survey indicator over HTTP on the demo's store: the add form offers the
// survey kind and the stored questions by label, and names its mistakes
// (no question, a key that is not one, a target over 100); saved, its page
// gives each wave's %, 95% confidence interval and base as `safer survey`
// prints them, and /api/indicators/N the same figures to the last bit; a
// member sees no value of a ward on a small base; the demo plan's "% of
// residents who feel safe in their local area after dark" is amber, on the
// dashboard's list of indicators off target.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, csrfOf, doneTesting, serve, signIn, tmp } from './lib.mjs';

execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo')], { cwd: tmp });
const db = join(tmp, 'demo', 'demo.db');
const csv = (extra) => execFileSync(process.env.SAFER, ['--db', db, 'survey', ...extra],
    { cwd: tmp, encoding: 'utf8' }).trim().split('\n').slice(1).map((l) => {
    const f = l.split(','); // domain_name never holds a comma in the demo
    return { q: f[0], wave: f[1], code: f[2], base: f[4], pct: f[5], lo: f[6], hi: f[7], small: f[8] };
});
const shown = csv([]), exact = csv(['--exact']);
const night = (rows, code) => rows.filter((x) => x.q === 'safe_night' && x.code === code);
// A ward with a small base in the latest wave.
const ward = shown.find((x) => x.q === 'safe_night' && x.wave === '2021' &&
    x.code && x.small === 'yes').code;
check(Boolean(ward), `the demo has a ward with a small base: ${ward}`);

const srv = await serve(db);
const U = srv.url;
async function person(role) {
    const { jar, r } = await signIn(srv, await addUser(db, srv, role, `${role}@example.org`));
    check(r.status === 303, `${role} signs in: ${r.status}`);
    jar.csrf = csrfOf(await (await jar.get(`${U}/account/sessions`)).text());
    return jar;
}
const analyst = await person('analyst');
const member = await person('member');

let r = await analyst.get(`${U}/indicators/new`);
let html = await r.text();
check(r.status === 200 && html.includes('value="survey"') &&
    (html.includes('From the residents&#39; survey') || html.includes("From the residents' survey")),
    `the form offers the survey kind: ${r.status}`);
check(html.includes('<option value="safe_night">% who feel safe in their local area at night</option>'),
    'the form offers the stored questions by label');

const form = (extra) => [['csrf_token', analyst.csrf], ['title', '% who feel safe at night in one ward'],
    ['kind', 'survey'], ['priority_key', ''], ['group_key', ''], ['ward', ward],
    ['measure', 'count'], ['period', 'rolling12'], ['good', 'up'], ['amber', '5'], ['red', '10'],
    ['unit', ''], ...extra];
r = await analyst.post(`${U}/indicators/new`, form([['question', ''], ['target', '150']]));
html = await r.text();
check(r.status === 400 && html.includes('govuk-error-summary'), `no question: ${r.status}`);
check(html.includes('href="#question">Select the survey question</a>'), 'the summary names the question');
check(html.includes('href="#target">Target must be a per cent from more than 0 up to 100</a>'),
    'the summary names the target');
r = await analyst.post(`${U}/indicators/new`, form([['question', 'safe night!'], ['target', '65']]));
html = await r.text();
check(r.status === 400 && html.includes('href="#question"') && (html.includes('is not a survey question&#39;s key') ||
    html.includes('is not a survey question\'s key')), `a malformed key: ${r.status}`);
r = await analyst.post(`${U}/indicators/new`, form([['question', 'safe_night'], ['target', '65']]));
const to = r.headers.get('location') || '';
check(r.status === 303 && /^\/indicators\/\d+$/.test(to), `saved: ${r.status} ${to}`);
const id = to.split('/').pop();

// The page: each wave's figures as `safer survey` prints them.
r = await analyst.get(`${U}/indicators/${id}`);
html = await r.text();
check(r.status === 200 && html.includes('95% confidence interval') && html.includes('Base (respondents)'),
    `the page's table: ${r.status}`);
check(html.includes('class="safer-interval"'), 'the chart draws the intervals');
for (const w of night(shown, ward)) {
    const row = `<td class="govuk-table__cell">${w.wave}</td><td class="govuk-table__cell govuk-table__cell--numeric">${w.pct}%</td>` +
        `<td class="govuk-table__cell govuk-table__cell--numeric">${w.lo}% to ${w.hi}%</td>` +
        `<td class="govuk-table__cell govuk-table__cell--numeric">${w.base}${w.small === 'yes' ? ' (small base)' : ''}</td>`;
    check(html.includes(row), `wave ${w.wave} of ${ward} on the page as safer survey gives it`);
}

// The API: the same figures, to the last bit.
r = await analyst.get(`${U}/api/indicators/${id}`);
const one = await r.json();
check(r.status === 200 && one.kind === 'survey' && one.question === 'safe_night' && one.ward === ward &&
    one.measure === 'percent' && one.period === 'wave' && one.unit === '%', `/api/indicators/${id}`);
const want = night(exact, ward);
check(one.series.length === want.length && want.length === 2, `one point a wave: ${one.series.length}`);
for (const [k, w] of want.entries()) {
    const p = one.series[k];
    check(p.period === w.wave && p.value === Number(w.pct) && p.lo === Number(w.lo) &&
        p.hi === Number(w.hi) && p.base === Number(w.base) && p.small === (w.small === 'yes'),
        `${w.wave}: ${JSON.stringify(p)} is safer survey's ${w.pct} ${w.lo} ${w.hi} ${w.base}`);
}
// A member: a ward's estimate on a small base is not shown.
r = await member.get(`${U}/api/indicators/${id}`);
const seen = await r.json();
for (const [k, w] of want.entries()) {
    const p = seen.series[k];
    if (w.small === 'yes')
        check(p.suppressed && p.value === null && p.lo === null && p.base === null && p.status === null,
            `${w.wave}: a member sees nothing of a small base: ${JSON.stringify(p)}`);
    else
        check(!p.suppressed && p.value === one.series[k].value, `${w.wave}: a member sees the value`);
}
r = await member.get(`${U}/indicators/${id}`);
html = await r.text();
check(r.status === 200 && html.includes('Fewer than 50'), 'the member\'s page says the base is too small');

// The change form keeps the kind and the question; a new target is saved.
r = await analyst.get(`${U}/indicators/edit/${id}`);
html = await r.text();
check(r.status === 200 && html.includes('<option value="safe_night" selected>') &&
    html.includes('name="kind" value="survey"'), `the change form of a survey indicator: ${r.status}`);
const version = (html.match(/name="version" value="(\d+)"/) || [])[1];
r = await analyst.post(`${U}/indicators/edit/${id}`, form([['question', 'safe_night'], ['target', '70'],
    ['version', version]]));
check(r.status === 303, `changed: ${r.status}`);
r = await analyst.get(`${U}/api/indicators/${id}`);
const changed = await r.json();
check(changed.target === 70 && changed.question === 'safe_night' && changed.series.length === 2,
    `the change kept the question: ${JSON.stringify({ t: changed.target, q: changed.question })}`);

// The demo plan's indicator: amber, and on the dashboard's list.
r = await analyst.get(`${U}/api/indicators`);
const list = (await r.json()).indicators;
const dark = list.find((i) => i.key === 'safe-after-dark');
const area = night(exact, '').find((x) => x.wave === '2021');
check(dark && dark.kind === 'survey' && dark.latest.period === '2021' &&
    dark.latest.value === Number(area.pct) && dark.latest.status === 'amber' && dark.target === 65,
    `the demo's survey indicator: ${JSON.stringify(dark && dark.latest)}`);
r = await analyst.get(`${U}/`);
html = await r.text();
const off = html.slice(html.indexOf('Indicators off target'));
check(off.includes(`href="/indicators/${dark.id}"`) && off.includes(`>${night(shown, '').find((x) => x.wave === '2021').pct}%<`),
    'the dashboard lists it off target with its per cent');

await srv.stop();
doneTesting();
