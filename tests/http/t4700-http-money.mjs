// Equality impact assessments and grants over HTTP, on the engine the run
// picks (a plan store): a grant's form with mistakes comes back 400 with
// the messages and what was typed, ticked actions still ticked, and saves
// nothing; a good one is stored in pence and /api/funding says so; spend
// recorded moves what remains; a stale form is 409; an elected member
// reads the grants and their actions' titles but may not change them.
// An assessment's characteristics come from the Act's nine only, and a
// review date in the past shows "Review overdue".
import {
    addUser, check, csrfOf, doneTesting, planStore, serve, signIn,
} from './lib.mjs';

const db = planStore('money');
const srv = await serve(db);
const U = srv.url;

async function person(role) {
    const { jar, r } = await signIn(srv, await addUser(db, srv, role, `${role}@example.org`));
    check(r.status === 303, `${role} signs in: ${r.status}`);
    jar.csrf = csrfOf(await (await jar.get(`${U}/account/sessions`)).text());
    return jar;
}
const coord = await person('coordinator');
const member = await person('member');

const api = async (jar) => {
    const r = await jar.get(`${U}/api/funding`);
    check(r.status === 200, `/api/funding: ${r.status}`);
    return r.json();
};
check((await api(coord)).grants.length === 0, 'no grants in a new store');

// ---- a grant with mistakes ----
// The form's fields, those of `extra` in place of the same names (the
// server reads a field's first value); actions are added to.
const form = (extra) => {
    const base = [['csrf_token', coord.csrf], ['funder', 'Kent Police and Crime Commissioner'],
        ['scheme', 'Crime Reduction Grant'], ['amount', '£12,500'], ['period_from', '2021-04-01'],
        ['period_to', '2022-03-31'], ['status', 'awarded'], ['priority_key', 'domestic-abuse'],
        ['actions', '1'], ['actions', '3']];
    const names = new Set(extra.map(([k]) => k).filter((k) => k !== 'actions'));
    return [...base.filter(([k]) => !names.has(k)), ...extra];
};
let r = await coord.post(`${U}/funding/new`, form([['spent', '-5'], ['period_to', '2021-03-31']]));
let html = await r.text();
check(r.status === 400, `a grant with a negative spend: ${r.status}`);
check(html.includes('govuk-error-summary') && html.includes('Spend may not be negative') &&
    html.includes('The end of the period must be the same as or after its start'),
    'the error summary names the spend and the period');
check(html.includes('value="£12,500"') && html.includes('value="-5"'), 'what was typed is kept');
check(/id="actions" name="actions" value="1" checked/.test(html) &&
    /name="actions" value="3" checked/.test(html) && !/name="actions" value="2" checked/.test(html),
    'the actions ticked stay ticked, and only those');
check((await api(coord)).grants.length === 0, 'nothing was saved');

r = await coord.post(`${U}/funding/new`, form([['amount', '12.345'], ['actions', '999999']]));
html = await r.text();
check(r.status === 400 && html.includes('Amount must be an amount of money') &&
    html.includes('Choose actions of the partnership'), `bad money and an unknown action: ${r.status}`);

// ---- a good one ----
r = await coord.post(`${U}/funding/new`, form([['spent', '']]));
check(r.status === 303, `a good grant: ${r.status}`);
const where = r.headers.get('location');
check(/^\/funding\/\d+$/.test(where), `sent to the grant's page: ${where}`);
const id = where.split('/')[2];
let g = (await api(coord)).grants[0];
check(g && g.amount_pence === 1250000 && g.spent_pence === 0 && g.remaining_pence === 1250000,
    `stored in pence: ${JSON.stringify(g)}`);
check(g.actions.map((a) => a.id).sort((a, b) => a - b).join(',') === '1,3',
    `it pays for actions 1 and 3: ${JSON.stringify(g.actions)}`);
html = await (await coord.get(`${U}${where}`)).text();
check(html.includes('£12,500.00') && html.includes('href="/actions/1"'),
    'the grant page prints the amount and links the actions for a coordinator');

// ---- spend, and a stale form ----
r = await coord.get(`${U}/funding/edit/${id}`);
html = await r.text();
check(r.status === 200 && html.includes('name="version" value="1"') && html.includes('value="£12,500.00"'),
    'the change form carries the version and the amount as printed');
const change = (version, spent) => [['csrf_token', coord.csrf], ['version', version],
    ['funder', 'Kent Police and Crime Commissioner'], ['scheme', 'Crime Reduction Grant'],
    ['amount', '£12,500.00'], ['spent', spent], ['period_from', '2021-04-01'],
    ['period_to', '2022-03-31'], ['status', 'awarded'], ['priority_key', 'domestic-abuse'],
    ['actions', '3']];
r = await coord.post(`${U}/funding/edit/${id}`, change('1', '£2,500.50'));
check(r.status === 303, `spend recorded: ${r.status}`);
let all = await api(coord);
g = all.grants[0];
check(g.spent_pence === 250050 && g.remaining_pence === 999950 && g.actions.length === 1,
    `£2,500.50 spent leaves £9,999.50: ${JSON.stringify(g)}`);
check(all.totals.amount_pence === 1250000 && all.totals.remaining_pence === 999950 &&
    all.totals.by_priority.length === 1 && all.totals.by_priority[0].priority_key === 'domestic-abuse',
    `the totals: ${JSON.stringify(all.totals)}`);
r = await coord.post(`${U}/funding/edit/${id}`, change('1', '£3,000'));
html = await r.text();
check(r.status === 409 && html.includes('Someone else changed this grant'), `a stale form: ${r.status}`);
check((await api(coord)).grants[0].spent_pence === 250050, 'the stale form saved nothing');

// ---- an elected member ----
all = await api(member);
check(all.grants.length === 1 && all.grants[0].actions[0].title && !('lead_name' in all.grants[0].actions[0]),
    'a member reads the grant and its action by title, no lead');
html = await (await member.get(`${U}${where}`)).text();
check(!html.includes('href="/actions/'), 'a member\'s grant page links no action');
r = await member.post(`${U}/funding/edit/${id}`, change('2', '0').map(([k, v]) => [k, k === 'csrf_token' ? member.csrf : v]));
check(r.status === 403, `a member changes a grant: ${r.status}`);

// ---- an equality impact assessment ----
const eia = (chars) => [['csrf_token', coord.csrf], ['group_key', ''], ['year', '2021'],
    ...chars.map((c) => ['characteristics', c]), ['evidence', 'Victim profile (illustrative).'],
    ['findings', 'Older residents are over-represented.'], ['mitigations', 'Target hardening.'],
    ['review_date', '2022-04-30']];
r = await coord.post(`${U}/equality/new`, eia(['age', 'height']));
html = await r.text();
check(r.status === 400 && html.includes('Choose protected characteristics from the list') &&
    /value="age" checked/.test(html), `a characteristic not in the Act: ${r.status}`);
r = await coord.post(`${U}/equality/new`, eia(['race', 'age']));
check(r.status === 303, `an assessment: ${r.status}`);
html = await (await member.get(`${U}${r.headers.get('location')}`)).text();
check(html.includes('Review overdue') && html.indexOf('>Age<') < html.indexOf('>Race<') &&
    html.indexOf('>Age<') > 0, 'the member reads it: the Act\'s order, the review overdue');
r = await coord.post(`${U}/equality/new`, eia(['age']));
check(r.status === 400 && (await r.text()).includes('already has an equality impact assessment for 2021'),
    'one assessment a plan and year');

check(await srv.stop() === 0, 'the server stops with status 0');
doneTesting();
