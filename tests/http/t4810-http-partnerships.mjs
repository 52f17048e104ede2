// Several partnerships on one server (docs/workspace.md, "Several
// partnerships"): every page is scoped to the session's partnership, so a
// person in one cannot see another's actions by id (404); a person in two
// chooses at sign-in and switches with POST /account/partnership, only to
// one they are in; a role changed or a membership ended counts at once for
// the sessions they have.
import { addUser, check, csrfOf, doneTesting, planStore, safer, serve, signIn } from './lib.mjs';

const db = planStore(); // Safer Maidstone Partnership, E22000142, with its actions
safer(db, ['import', 'plan', new URL('../data/plans/safer-test.json', import.meta.url).pathname]);
const srv = await serve(db);
const U = srv.url;
const audit = () => safer(db, ['audit']);

// A coordinator of the test partnership only.
const jo = await addUser(db, srv, 'coordinator', 'jo@test.example.org', ['--partnership', 'E22000001']);
let s = await signIn(srv, jo);
check(s.r.status === 303 && s.r.headers.get('location') === '/', `one partnership: sign-in goes to /: ${s.r.headers.get('location')}`);
let r = await s.jar.get(`${U}/`);
let html = await r.text();
check(r.status === 200 && html.includes('Safer Test Partnership') && !html.includes('Safer Maidstone Partnership'),
    'the header names the test partnership');
check(html.includes('href="/account/partnership"'), 'the partnership\'s name links to the choice');
r = await s.jar.get(`${U}/actions/1`);
check(r.status === 404, `Maidstone's action 1 from the test partnership: ${r.status}`);
r = await s.jar.get(`${U}/actions`);
html = await r.text();
check(r.status === 200 && html.includes('0 actions'), 'no actions of Maidstone are listed');
r = await s.jar.get(`${U}/api/actions`);
const api = await r.json();
check(r.status === 200 && api.actions.length === 0, `GET /api/actions: ${api.actions && api.actions.length} actions`);

// One partnership: the page says so and offers no choice.
r = await s.jar.get(`${U}/account/partnership`);
html = await r.text();
check(r.status === 200 && html.includes('You are in one partnership') && !html.includes('partnership_id'),
    'the partnership page of a person in one');
const token = csrfOf(html);
// Switching to a partnership one is not in: 404, and nothing changed.
for (const id of ['1', '2', '3', '999']) {
    r = await s.jar.post(`${U}/account/partnership`, { csrf_token: token, partnership_id: id });
    check([303, 404].includes(r.status), `POST /account/partnership ${id}: ${r.status}`);
    if (r.status === 303)
        check(!(await (await s.jar.get(`${U}/`)).text()).includes('Safer Maidstone Partnership'),
            `switching to ${id} never reaches Maidstone`);
}
r = await s.jar.get(`${U}/actions/1`);
check(r.status === 404, `still not Maidstone's action: ${r.status}`);

// Now in Maidstone too, as a practitioner.
safer(db, ['user', 'join', '--email', jo.email, '--partnership', 'E22000142', '--role', 'practitioner']);
check(/user-join .*"partnership": "E22000142", "role": "practitioner"/.test(audit()), 'the join is logged');
r = await s.jar.get(`${U}/account/partnership`);
html = await r.text();
const radios = [...html.matchAll(/name="partnership_id" id="p-\d+" value="(\d+)"( checked)?><label[^>]*>([^<]*)</g)];
check(r.status === 200 && radios.length === 2, `two partnerships to choose from: ${radios.length}`);
const maid = radios.find((m) => m[3].includes('Maidstone'));
const test = radios.find((m) => m[3].includes('Test'));
check(maid && test && test[2] && !maid[2], 'the current one is checked');
check(maid && maid[3].includes('as practitioner'), 'each shows the role');
r = await s.jar.post(`${U}/account/partnership`, { csrf_token: token, partnership_id: maid ? maid[1] : 'x' });
check(r.status === 303 && r.headers.get('location') === '/', `switch to Maidstone: ${r.status}`);
r = await s.jar.get(`${U}/`);
html = await r.text();
check(html.includes('Safer Maidstone Partnership'), 'the header names Maidstone now');
r = await s.jar.get(`${U}/actions/1`);
check(r.status === 200, `Maidstone's action after switching: ${r.status}`);
check(/partnership-switch .*\{"partnership": "E22000001"\} → \{"partnership": "E22000142"\}/.test(audit()),
    'the switch is logged with before and after');
// A practitioner there: no adding actions, until the role changes, at once.
r = await s.jar.get(`${U}/actions/new`);
check(r.status === 403, `a practitioner may not add an action: ${r.status}`);
safer(db, ['user', 'role', '--email', jo.email, '--partnership', 'E22000142', '--role', 'coordinator']);
r = await s.jar.get(`${U}/actions/new`);
check(r.status === 200, `made coordinator, the same session may: ${r.status}`);
safer(db, ['user', 'role', '--email', jo.email, '--partnership', 'E22000142', '--role', 'member']);
r = await s.jar.get(`${U}/actions`);
check(r.status === 403, `made member, the same session may not see actions: ${r.status}`);

// Signing in with two partnerships: the first is taken, then the choice.
const t = await signIn(srv, jo);
check(t.r.status === 303 && t.r.headers.get('location') === '/account/partnership',
    `two partnerships: sign-in goes to the choice: ${t.r.headers.get('location')}`);
html = await (await t.jar.get(`${U}/`)).text();
check(html.includes('Safer Test Partnership'), 'the first partnership by code is taken meanwhile');

// Taken out of Maidstone: the session there ends; the other goes on.
safer(db, ['user', 'leave', '--email', jo.email, '--partnership', 'E22000142']);
r = await s.jar.get(`${U}/`);
check(r.status === 303 && r.headers.get('location') === '/sign-in', `the Maidstone session ended: ${r.status}`);
r = await t.jar.get(`${U}/`);
check(r.status === 200, `the test partnership's session goes on: ${r.status}`);
r = await t.jar.post(`${U}/account/partnership`, { csrf_token: csrfOf(await (await t.jar.get(`${U}/account/partnership`)).text()),
    partnership_id: maid ? maid[1] : 'x' });
check(r.status === 404, `no switching back to a partnership left: ${r.status}`);
r = await t.jar.get(`${U}/actions/1`);
check(r.status === 404, `Maidstone's action again out of reach: ${r.status}`);

check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
