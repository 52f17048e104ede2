// The dashboard and the API for the people of a partnership: the
// priorities for everyone signed in, the actions (overdue, and counted by
// status for each priority) for those who may see the plan, not for an
// elected member; /api/actions with its filters. Then a plan whose names
// carry markup and script (WEB-01): every page and the API escape them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    PLAN, addUser, check, doneTesting, newStore, planStore, safer, serve, signIn, tmp,
} from './lib.mjs';

const db = planStore();
const srv = await serve(db);
const U = srv.url;
const coord = await signIn(srv, await addUser(db, srv, 'coordinator'));
const member = await signIn(srv, await addUser(db, srv, 'member'));

let r = await coord.jar.get(`${U}/`);
let html = await r.text();
check(r.status === 200, `the coordinator's dashboard: ${r.status}`);
check(html.includes('<h2 class="govuk-heading-m">Priorities</h2>'), 'the dashboard lists the priorities');
check(html.includes('Overdue actions') && html.includes('No action is overdue.'),
    'the dashboard says no action is overdue (the plan\'s actions have no dates)');
check(html.includes('Actions by priority'), 'the dashboard counts actions by priority');
const totals = [...html.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric"><strong>(\d+)<\/strong><\/td>/g)]
    .map((m) => Number(m[1]));
check(totals.reduce((a, b) => a + b, 0) === 15, `the counts add up to the plan's 15 actions: ${totals}`);
check(html.includes('govuk-tag--grey">Not started</strong>'), 'statuses are shown as tags');

r = await member.jar.get(`${U}/`);
html = await r.text();
check(r.status === 200 && html.includes('Priorities'), `the member's dashboard: ${r.status}`);
check(!html.includes('Overdue actions') && !html.includes('Actions by priority'),
    'a member sees no actions');
r = await member.jar.get(`${U}/api/actions`);
check(r.status === 403, `a member's /api/actions: ${r.status}`);

r = await coord.jar.get(`${U}/api/actions`);
const all = await r.json().catch(() => null);
check(r.status === 200 && all && all.actions.length === 15, `/api/actions: ${r.status} ${all && all.actions.length}`);
if (all) {
    const a = all.actions[0];
    for (const k of ['id', 'title', 'priority_key', 'priority_title', 'group_key', 'status', 'progress', 'days_overdue', 'version'])
        check(k in a, `an action in the API has '${k}'`);
    check(!('lead_email' in a), 'the API gives no e-mail addresses');
    const key = all.actions.find((x) => x.priority_key).priority_key;
    r = await coord.jar.get(`${U}/api/actions?priority=${encodeURIComponent(key)}`);
    const some = await r.json();
    check(some.actions.length > 0 && some.actions.length < 15 && some.actions.every((x) => x.priority_key === key),
        `/api/actions?priority=${key}: ${some.actions.length}`);
    r = await coord.jar.get(`${U}/api/actions?due=1`);
    check((await r.json()).actions.length === 0, '/api/actions?due=1: none due');
}
check(await srv.stop() === 0, 'SIGTERM: exit 0');

// A plan whose names carry markup: shown as text everywhere.
const XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
plan.partnership.name = `Safer ${XSS} Partnership`;
plan.priorities[0].title = `Crime ${XSS}`;
plan.priorities[0].objective = `Objective ${XSS} & more`;
plan.actions[0].title = `Action ${XSS}`;
const file = join(tmp, 'xss-plan.json');
writeFileSync(file, JSON.stringify(plan));
const xdb = newStore('xss');
safer(xdb, ['import', 'plan', file]);
const xsrv = await serve(xdb);
const who = await signIn(xsrv, await addUser(xdb, xsrv, 'coordinator'));
for (const path of ['/', '/public', `/public/${plan.partnership.code}`, '/account/sessions']) {
    r = await who.jar.get(`${xsrv.url}${path}`);
    html = await r.text();
    check(r.status === 200, `GET ${path} with markup in the plan: ${r.status}`);
    check(!html.includes('<script>alert') && !html.includes('<img src=x'), `GET ${path} lets markup through`);
    if (path !== '/account/sessions')
        check(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'),
            `GET ${path} shows the names as text`);
}
for (const path of ['/api/priorities', '/api/actions']) {
    r = await who.jar.get(`${xsrv.url}${path}`);
    const text = await r.text();
    check(r.status === 200 && !text.includes('<script>') && text.includes('\\u003cscript\\u003e'),
        `GET ${path} escapes markup in JSON`);
    const parsed = JSON.parse(text);
    check(JSON.stringify(parsed).includes('<script>alert(1)</script>'), `GET ${path} gives the names back exactly`);
}
check(await xsrv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
