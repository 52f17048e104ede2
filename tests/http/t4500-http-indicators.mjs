// Indicators over HTTP on the demo's store (its plan binds four indicators
// to its data): /api/indicators and /api/indicators/{id} are JSON that
// reads back as the numbers the page shows; an analyst sees every count,
// an elected member sees counts from 1 to 4 suppressed (null, and said so)
// and never a status for them; the public gets 401; an unknown or
// malformed id is 404. The indicator page shows the same latest value.
// The dashboard gives each priority the worst latest status of its
// indicators and lists those amber or red as off target.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, csrfOf, doneTesting, serve, signIn, tmp } from './lib.mjs';

// The demo builds its own SQLite store, also when the run is on PostgreSQL
// (t4300 serves the API from a PostgreSQL store).
execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo')], { cwd: tmp });
const db = join(tmp, 'demo', 'demo.db');
const srv = await serve(db);
const U = srv.url;
const analyst = await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'));
const member = await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'));

let r = await fetch(`${U}/api/indicators`);
check(r.status === 401, `the public's /api/indicators: ${r.status}`);

r = await analyst.jar.get(`${U}/api/indicators`);
const list = await r.json().catch(() => null);
// The demo plan: four computed indicators and one from the residents' survey.
check(r.status === 200 && list && list.indicators.length === 5, `/api/indicators: ${r.status}`);
const statuses = new Set(list.indicators.map((i) => i.latest && i.latest.status));
check(statuses.has('red') && statuses.has('green'), `the demo's indicators show a mix: ${[...statuses]}`);

// The dashboard agrees with the API.
const escape = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
r = await analyst.jar.get(`${U}/`);
const dash = await r.text();
check(r.status === 200 && dash.includes('Indicators off target'), `the dashboard: ${r.status}`);
const off = (i) => i.latest && (i.latest.status === 'amber' || i.latest.status === 'red');
for (const ind of list.indicators)
    check(dash.includes(`href="/indicators/${ind.id}"`) === off(ind),
        `the dashboard lists ${ind.title} (${ind.latest && ind.latest.status}) as off target: ${off(ind)}`);
r = await analyst.jar.get(`${U}/api/priorities`);
const rank = { red: 3, amber: 2, green: 1 };
const label = ['No status', 'Green', 'Amber', 'Red'];
for (const pr of (await r.json()).priorities) {
    const mine = list.indicators.filter((i) => i.priority_key === pr.key);
    const worst = Math.max(0, ...mine.map((i) => rank[i.latest && i.latest.status] || 0));
    const row = dash.split('<tr').find((t) => t.includes(`>${escape(pr.title)}`));
    check(row && row.includes(`">${label[worst]}</strong></td>`),
        `the dashboard's status of ${pr.title}: ${label[worst]}`);
}

for (const ind of list.indicators) {
    r = await analyst.jar.get(`${U}/api/indicators/${ind.id}`);
    const one = await r.json().catch(() => null);
    check(r.status === 200 && one && one.id === ind.id, `/api/indicators/${ind.id}: ${r.status}`);
    check(one.series.length > 0, `${ind.title}: a series`);
    for (const p of one.series) {
        check(!p.suppressed, `an analyst sees ${ind.title} ${p.period} unsuppressed`);
        if (ind.measure === 'count' && p.months_with_data > 0)
            check(p.value === p.count, `${ind.title} ${p.period}: value ${p.value} is the count ${p.count}`);
        if (p.partial)
            check(p.status === null, `${ind.title} ${p.period}: a partial period has no status`);
    }
    // The page shows the latest value the list gives.
    r = await analyst.jar.get(`${U}/indicators/${ind.id}`);
    const html = await r.text();
    check(r.status === 200 && html.includes(ind.latest.period), `the page of ${ind.title} shows ${ind.latest.period}`);

    r = await member.jar.get(`${U}/api/indicators/${ind.id}`);
    const seen = await r.json().catch(() => null);
    check(r.status === 200 && seen.series.length === one.series.length, `the member's series of ${ind.title}`);
    for (let k = 0; k < seen.series.length; k++) {
        const a = one.series[k], m = seen.series[k];
        const small = a.count >= 1 && a.count <= 4;
        check(m.suppressed === small, `${ind.title} ${a.period}: a count of ${a.count} suppressed for a member: ${m.suppressed}`);
        if (small)
            check(m.count === null && m.value === null && m.status === null, `${ind.title} ${a.period}: nothing of a suppressed point`);
        else
            check(m.value === a.value, `${ind.title} ${a.period}: the member sees the analyst's value`);
    }
}

for (const bad of ['999', '0', '01', 'x', '-1']) {
    r = await analyst.jar.get(`${U}/api/indicators/${bad}`);
    check(r.status === 404, `/api/indicators/${bad}: ${r.status}`);
}

// Changing a definition: the form holds what is stored; a change is saved
// and shown; a post built from the old version is refused (409) and the
// form then shows the indicator as it is now; a mistake keeps what was
// typed. The new target moves the status the API gives.
{
    const ind = list.indicators.find((i) => i.kind === 'computed' && i.target);
    r = await analyst.jar.get(`${U}/indicators/edit/${ind.id}`);
    let form = await r.text();
    check(r.status === 200 && form.includes(`value="${ind.title}"`), `the edit form of ${ind.title}: ${r.status}`);
    const version = form.match(/name="version" value="(\d+)"/)[1];
    const fields = {
        csrf_token: csrfOf(form), version, kind: ind.kind, title: `${ind.title} (changed)`,
        priority_key: ind.priority_key || '', group_key: ind.group_key || '', ward: '',
        measure: ind.measure, period: ind.period, good: ind.good,
        target: String(ind.latest.value * 100), amber: '5', red: '10', unit: '',
    };
    const body = new URLSearchParams(fields);
    for (const c of ind.categories)
        body.append('categories', c);
    const post = (b) => fetch(`${U}/indicators/edit/${ind.id}`, {
        method: 'POST', redirect: 'manual', body: b,
        headers: { Cookie: analyst.jar.header(), 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    r = await post(body);
    check(r.status === 303 && r.headers.get('location') === `/indicators/${ind.id}`, `the change is saved: ${r.status}`);
    r = await analyst.jar.get(`${U}/api/indicators/${ind.id}`);
    const after = await r.json();
    const last = after.series.filter((p) => p.status).pop();
    check(after.title === `${ind.title} (changed)` && last && last.status === 'green',
        `the API gives the new title and, far under the new target, green: ${after.title} ${last && last.status}`);
    r = await post(body);
    form = await r.text();
    check(r.status === 409 && form.includes('Someone else changed this indicator'), `a stale change: ${r.status}`);
    check(form.includes(`value="${ind.title} (changed)"`), 'the refused form shows the indicator as it is now');
    const bad = new URLSearchParams({ ...fields, version: form.match(/name="version" value="(\d+)"/)[1], target: 'lots' });
    r = await post(bad);
    form = await r.text();
    check(r.status === 400 && form.includes('govuk-error-summary') && form.includes('value="lots"'),
        `a bad target: ${r.status}, the error summary, and what was typed`);
    r = await member.jar.get(`${U}/indicators/edit/${ind.id}`);
    check(r.status === 403, `a member may not change an indicator: ${r.status}`);
}

check(await srv.stop() === 0, 'the server stops with status 0');
doneTesting();
