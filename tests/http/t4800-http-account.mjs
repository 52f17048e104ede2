// One's own password, and the people pages of an administrator
// (docs/workspace.md, "Accounts and sign-in"): changing the password ends
// every other session and gives this one a new id; a wrong current
// password counts towards the lock-out; an administrator adds a person
// (the set-up link on the page), changes a role, makes a reset link,
// disables (after a confirmation) and enables, and ends someone's
// sessions, only within their own partnership.
import {
    PASSWORD, addUser, check, csrfOf, doneTesting, planStore, safer, serve, signIn, useLink,
} from './lib.mjs';

const db = planStore();
safer(db, ['import', 'plan', new URL('../data/plans/safer-test.json', import.meta.url).pathname]);
const srv = await serve(db);
const U = srv.url;
const NEW = 'a long walk by the Medway at dusk';

const audit = () => safer(db, ['audit']);

// ---- changing one's password ----
const coord = await addUser(db, srv, 'coordinator', 'coordinator@example.org',
    ['--partnership', 'E22000142']);
const one = await signIn(srv, coord);
const two = await signIn(srv, coord);
check(one.r.status === 303 && two.r.status === 303, 'the coordinator signs in twice');
let r = await one.jar.get(`${U}/account/password`);
let html = await r.text();
check(r.status === 200 && html.includes('name="current_password"') &&
      html.includes('autocomplete="new-password"'), `GET /account/password: ${r.status}`);
let token = csrfOf(html);
r = await one.jar.get(`${U}/account/sessions`);
html = await r.text();
check(html.includes('href="/account/password"'), 'the sessions page links to the password page');
check(html.includes('href="/account/password">Change password<'), 'the header links to it too');

async function change(jar, fields) {
    const res = await jar.post(`${U}/account/password`, { csrf_token: token, ...fields });
    return { r: res, html: await res.text() };
}
let c = await change(one.jar, { current_password: 'not my password at all', password: NEW,
    password_confirm: NEW });
check(c.r.status === 400 && c.html.includes('Your current password is not right') &&
      c.html.includes('govuk-error-summary'), `a wrong current password: ${c.r.status}`);
check(/password-change-failed .* wrong password/.test(audit()), 'the audit log has password-change-failed');
c = await change(one.jar, { current_password: PASSWORD, password: 'password1234',
    password_confirm: 'password1234' });
check(c.r.status === 400 && c.html.includes('commonly used password'), `a common password: ${c.r.status}`);
c = await change(one.jar, { current_password: PASSWORD, password: 'short', password_confirm: 'short' });
check(c.r.status === 400 && c.html.includes('at least 12 characters'), `a short password: ${c.r.status}`);
const long = 'x'.repeat(500) + ' and then some more words';
c = await change(one.jar, { current_password: PASSWORD, password: long, password_confirm: `${long}!` });
check(c.r.status === 400 && c.html.includes('The two passwords are not the same'),
    `two passwords that differ: ${c.r.status}`);
c = await change(one.jar, { current_password: PASSWORD, password: '', password_confirm: '' });
check(c.r.status === 400 && c.html.includes('Enter a new password'), 'no new password');
r = await two.jar.get(`${U}/`);
check(r.status === 200, 'the refused changes left the other session alone');

const before = one.jar.c['safer-session'];
c = await change(one.jar, { current_password: PASSWORD, password: NEW, password_confirm: NEW });
check(c.r.status === 303 && c.r.headers.get('location') === '/account/sessions?changed=1',
    `the password changed: ${c.r.status} to ${c.r.headers.get('location')}`);
check(one.jar.c['safer-session'] && one.jar.c['safer-session'] !== before,
    'this session has a new id');
r = await one.jar.get(`${U}/account/sessions?changed=1`);
html = await r.text();
check(r.status === 200 && html.includes('Your password is changed'), 'this browser stays signed in');
check((html.match(/<tr class="govuk-table__row">/g) || []).length === 2, 'one session is left');
check(csrfOf(html) !== token, 'the new session has a new form token');
r = await two.jar.get(`${U}/`);
check(r.status === 303 && r.headers.get('location') === '/sign-in', `the other session ended: ${r.status}`);
r = await fetch(`${U}/`, { redirect: 'manual', headers: { Cookie: `safer-session=${before}` } });
check(r.status === 303, `the old session id is dead: ${r.status}`);
check((await signIn(srv, coord)).r.status === 400, 'the old password no longer signs in');
check((await signIn(srv, coord, NEW)).r.status === 303, 'the new one does');
check(/password-changed .*1 other session ended/.test(audit()), 'the audit log has password-changed');

// A wrong current password counts towards the lock-out: after ten, the
// right one is refused too, at sign-in as well.
const prac = await addUser(db, srv, 'practitioner', 'practitioner@example.org',
    ['--partnership', 'E22000142']);
const p = await signIn(srv, prac);
token = csrfOf(await (await p.jar.get(`${U}/account/password`)).text());
for (let i = 0; i < 10; i++)
    await change(p.jar, { current_password: `wrong guess number ${i}`, password: NEW, password_confirm: NEW });
c = await change(p.jar, { current_password: PASSWORD, password: NEW, password_confirm: NEW });
check(c.r.status === 400 && c.html.includes('Your current password is not right'),
    `locked: the right current password is refused: ${c.r.status}`);
check((await signIn(srv, prac)).r.status === 400, 'locked: sign-in is refused');
check(/login-locked .*10 failures in 5 minutes: locked/.test(audit()), 'the lock-out is logged');
srv.setClock(srv.offset + 301);
const p2 = await signIn(srv, prac);
check(p2.r.status === 303, 'the lock-out ends after its window');

// ---- the people pages ----
const admin = await addUser(db, srv, 'administrator', 'administrator@example.org',
    ['--partnership', 'E22000142']);
const other = await addUser(db, srv, 'analyst', 'analyst@test.example.org', ['--partnership', 'E22000001']);
const a = await signIn(srv, admin);
check(a.r.status === 303, `the administrator signs in: ${a.r.status}`);
r = await a.jar.get(`${U}/people`);
html = await r.text();
check(r.status === 200 && html.includes('coordinator@example.org') && html.includes('Set up'),
    `GET /people: ${r.status}`);
check(!html.includes('analyst@test.example.org'), 'another partnership\'s people are not listed');
check(/href="\/people"( aria-current="page")?>People</.test(html), 'the header links to /people');
const idOf = (page, email) => {
    const m = page.match(new RegExp(`href="/people/(\\d+)">[^<]*</a></td><td class="govuk-table__cell">${email.replace(/\./g, '\\.')}<`));
    return m ? m[1] : null;
};
const coordId = idOf(html, 'coordinator@example.org');
check(coordId, 'the list links to each person');
token = csrfOf(html);

// Add a person: a form with errors, then the link on the page.
r = await a.jar.get(`${U}/people/new`);
check(r.status === 200, `GET /people/new: ${r.status}`);
r = await a.jar.post(`${U}/people/new`, { csrf_token: token, name: 'Sam Smith', email: 'sam.smith',
    org: 'Kent Fire and Rescue Service', role: 'analyst' });
html = await r.text();
check(r.status === 400 && html.includes('is not an e-mail address') && html.includes('value="Sam Smith"'),
    `a bad e-mail: ${r.status}, the name kept`);
r = await a.jar.post(`${U}/people/new`, { csrf_token: token, name: 'Sam Smith', email: 'Sam.Smith@kent.fire-uk.org',
    org: 'Kent Fire and Rescue Service', role: 'boss' });
check(r.status === 400 && (await r.text()).includes('Choose a role'), 'an unknown role');
r = await a.jar.post(`${U}/people/new`, { csrf_token: token, name: 'Sam Smith', email: 'Sam.Smith@kent.fire-uk.org',
    org: 'Kent Fire and Rescue Service', role: 'analyst' });
html = await r.text();
const link = html.match(/\/account\/setup\?token=([0-9a-f]{32})/);
check(r.status === 200 && link && r.headers.get('cache-control') === 'no-store',
    `POST /people/new shows the link: ${r.status}`);
check(/user-add .*"email": "sam.smith@kent.fire-uk.org"/.test(audit()), 'the audit log has the user-add by the administrator');
const sam = { email: 'sam.smith@kent.fire-uk.org', secret: link ? await useLink(srv, link[1]) : null };
const s1 = await signIn(srv, sam);
check(s1.r.status === 303, 'the person added on the page signs in');

// Someone of another partnership is added to this one.
r = await a.jar.post(`${U}/people/new`, { csrf_token: token, name: 'ignored', email: other.email,
    org: 'ignored', role: 'executive' });
check(r.status === 303 && r.headers.get('location') === '/people?joined=1', `POST /people/new of a person elsewhere: ${r.status}`);
check(/user-join .*"partnership": "E22000142", "role": "executive"/.test(audit()), 'logged as user-join');

// One person's page, and what may be done.
html = await (await a.jar.get(`${U}/people`)).text();
const samId = idOf(html, 'sam.smith@kent.fire-uk.org');
r = await a.jar.get(`${U}/people/${samId}`);
html = await r.text();
check(r.status === 200 && html.includes('Kent Fire and Rescue Service') && html.includes('Last signed in'),
    `GET /people/{id}: ${r.status}`);
check(!html.includes('>Never<'), 'their last sign-in is shown');
r = await a.jar.post(`${U}/people/role/${samId}`, { csrf_token: token, role: 'coordinator' });
check(r.status === 303 && r.headers.get('location') === `/people/${samId}?done=role`, `change the role: ${r.status}`);
check(/user-role .*"role": "analyst"\} → \{"partnership": "E22000142", "role": "coordinator"\}/.test(audit()),
    'the role change is logged with before and after');
// It counts at once for their session.
r = await s1.jar.get(`${U}/actions/new`);
check(r.status === 200, `the new coordinator's session may add actions at once: ${r.status}`);
r = await a.jar.post(`${U}/people/role/${samId}`, { csrf_token: token, role: 'nobody' });
check(r.status === 400 && (await r.text()).includes('Choose a role'), 'an unknown role is refused');

r = await a.jar.post(`${U}/people/disable/${samId}`, { csrf_token: token });
html = await r.text();
check(r.status === 200 && html.includes('Yes, disable them') && html.includes('name="confirm" value="yes"'),
    `disable asks first: ${r.status}`);
check((await s1.jar.get(`${U}/`)).status === 200, 'asking changed nothing');
r = await a.jar.post(`${U}/people/disable/${samId}`, { csrf_token: token, confirm: 'yes' });
check(r.status === 303, `disable: ${r.status}`);
check((await s1.jar.get(`${U}/`)).status === 303, 'their session ended');
html = await (await a.jar.get(`${U}/people`)).text();
check(html.includes('Disabled'), 'the list shows them disabled');
r = await a.jar.post(`${U}/people/enable/${samId}`, { csrf_token: token });
check(r.status === 303, `enable: ${r.status}`);
const s2 = await signIn(srv, sam);
check(s2.r.status === 303, 'enabled, they sign in again');
r = await a.jar.post(`${U}/people/sign-out/${samId}`, { csrf_token: token });
check(r.status === 303, `end their sessions: ${r.status}`);
check((await s2.jar.get(`${U}/`)).status === 303, 'their session ended');
r = await a.jar.post(`${U}/people/reset/${samId}`, { csrf_token: token });
html = await r.text();
const reset = html.match(/\/account\/setup\?token=([0-9a-f]{32})/);
check(r.status === 200 && reset, `a reset link on the page: ${r.status}`);
r = await fetch(`${U}/account/setup?token=${reset ? reset[1] : ''}`);
check(r.status === 200, 'the reset link works');

// The administrator's own page offers nothing to do to themselves.
html = await (await a.jar.get(`${U}/people`)).text();
const adminId = idOf(html, 'administrator@example.org');
html = await (await a.jar.get(`${U}/people/${adminId}`)).text();
check(html.includes('This is you') && !html.includes('/people/disable/'), 'no buttons on one\'s own page');
r = await a.jar.post(`${U}/people/disable/${adminId}`, { csrf_token: token, confirm: 'yes' });
check(r.status === 400, `disabling oneself is refused: ${r.status}`);

// Another partnership's person is not found, whatever is asked.
safer(db, ['user', 'add', '--email', 'only.test@example.org', '--name', 'Only Test', '--org', 'TBC',
    '--role', 'member', '--partnership', 'E22000001']);
const list = safer(db, ['user', 'list']);
check(list.includes('only.test@example.org'), 'the person of the other partnership exists');
let elsewhere = null;
for (let id = 1; id < 20 && !elsewhere; id++) {
    r = await a.jar.get(`${U}/people/${id}`);
    const t = await r.text();
    if (r.status === 200)
        check(!t.includes('only.test@example.org'), `GET /people/${id} shows another partnership's person`);
    else if (r.status === 404)
        elsewhere = id;
}
check(elsewhere, 'an id outside the partnership is 404');
for (const what of ['reset', 'disable', 'enable', 'role', 'sign-out']) {
    r = await a.jar.post(`${U}/people/${what}/${elsewhere}`, { csrf_token: token, confirm: 'yes', role: 'member' });
    check(r.status === 404, `POST /people/${what} of another partnership's person: ${r.status}`);
}
check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
