// Signing in and out over HTTP (SES-02, SES-03, SES-04, AUTH lock-out):
// a 303 to a path, a new session id at every sign-in, the cookie's
// attributes, sign-out and ended sessions, forged cookies, the generic
// refusal, the lock-out after 10 failures, idle expiry on the test clock,
// an administrator's second factor, the form token of a session, and the
// cookies behind a TLS proxy.
import {
    Jar, addUser, check, checkHeaders, cookiesOf, csrfOf, doneTesting, get, planStore,
    serve, signIn,
} from './lib.mjs';

const db = planStore();
const srv = await serve(db);
const U = srv.url;
const coord = await addUser(db, srv, 'coordinator');

// Sign in: 303 to "/", a path, and the session cookie.
const a = await signIn(srv, coord);
check(a.r.status === 303 && a.r.headers.get('location') === '/',
    `sign-in: ${a.r.status} to ${a.r.headers.get('location')}`);
checkHeaders(a.r, 'POST /sign-in (303)');
const set = cookiesOf(a.r)['safer-session'];
check(set && /^[0-9a-f]{32}$/.test(set.value), `the session cookie: ${set && set.line}`);
if (set) {
    const attrs = set.attrs.map((x) => x.toLowerCase());
    check(attrs.includes('httponly'), 'the session cookie is HttpOnly');
    check(attrs.includes('samesite=strict'), 'the session cookie is SameSite=Strict');
    check(attrs.includes('path=/'), 'the session cookie has Path=/');
    check(!attrs.some((x) => x.startsWith('domain')), 'the session cookie names no Domain');
    check(!attrs.includes('secure'), 'the session cookie is not Secure without --behind-proxy');
}
check(!a.jar.c['safer-csrf'], 'the pre-session form token is dropped at sign-in');

// Signed in: the dashboard, private, with the partnership's name.
let r = await a.jar.get(`${U}/`);
let html = await r.text();
check(r.status === 200, `GET / signed in: ${r.status}`);
check(r.headers.get('cache-control') === 'no-store', `GET / signed in: Cache-Control ${r.headers.get('cache-control')}`);
check(html.includes('Safer Maidstone Partnership'), 'the dashboard names the partnership');
check(html.includes('action="/sign-out"'), 'the page offers sign-out as a form');
checkHeaders(r, 'GET / signed in');
r = await a.jar.get(`${U}/sign-in`);
check(r.status === 303 && r.headers.get('location') === '/', `GET /sign-in signed in: ${r.status}`);
r = await a.jar.get(`${U}/api/priorities`);
const api = await r.json().catch(() => null);
check(r.status === 200 && api && api.priorities.length === 8 && api.partnership.code === 'E22000142',
    `GET /api/priorities signed in: ${r.status}`);
check(r.headers.get('cache-control') === 'no-store', 'the API is not cached');

// A second sign-in gets another session id.
const b = await signIn(srv, coord);
check(b.r.status === 303 && b.jar.c['safer-session'] && b.jar.c['safer-session'] !== a.jar.c['safer-session'],
    'each sign-in gives a new session id');

// A cookie the server did not issue is nobody.
const forged = new Jar();
forged.c['safer-session'] = '0123456789abcdef0123456789abcdef';
r = await forged.get(`${U}/`);
check(r.status === 303 && r.headers.get('location') === '/sign-in', `a forged session cookie: ${r.status}`);
check(forged.c['safer-session'] === undefined, 'a forged session cookie is cleared');
r = await get(`${U}/?safer-session=${a.jar.c['safer-session']}`);
check(r.status === 303, `a session id in the URL does nothing: ${r.status}`);

// Form tokens are per session.
r = await a.jar.get(`${U}/account/sessions`);
html = await r.text();
const tokenA = csrfOf(html);
const tokenB = csrfOf(await (await b.jar.get(`${U}/account/sessions`)).text());
check(r.status === 200 && tokenA && tokenB && tokenA !== tokenB, 'two sessions have two form tokens');
check((html.match(/<tr class="govuk-table__row">/g) || []).length === 3, 'the sessions page lists both sessions');
r = await a.jar.post(`${U}/sign-out`, {});
check(r.status === 403, `sign-out without the form token: ${r.status}`);
r = await a.jar.post(`${U}/sign-out`, { csrf_token: tokenB });
check(r.status === 403, `sign-out with another session's token: ${r.status}`);
r = await get(`${U}/`, { headers: { Cookie: a.jar.header() } });
check(r.status === 200, 'the refused sign-outs left the session alone');

// End the other session from the sessions page.
const other = html.match(/name="session_id" value="(\d+)"/);
check(other, 'the sessions page offers to end the other session');
if (other) {
    r = await a.jar.post(`${U}/account/sessions/end`, { csrf_token: tokenA, session_id: other[1] });
    check(r.status === 303 && r.headers.get('location') === '/account/sessions', `ending the other session: ${r.status}`);
    r = await b.jar.get(`${U}/`);
    check(r.status === 303 && r.headers.get('location') === '/sign-in', `the ended session's cookie: ${r.status}`);
}

// Sign out: the session ends on the server; its cookie no longer works.
const old = a.jar.header();
r = await a.jar.post(`${U}/sign-out`, { csrf_token: tokenA });
check(r.status === 303 && r.headers.get('location') === '/sign-in', `sign-out: ${r.status}`);
check(/cookies/.test(r.headers.get('clear-site-data') || ''), 'sign-out sends Clear-Site-Data');
check(!a.jar.c['safer-session'], 'sign-out clears the cookie');
r = await get(`${U}/`, { headers: { Cookie: old } });
check(r.status === 303 && r.headers.get('location') === '/sign-in', `the old cookie after sign-out: ${r.status}`);

// A refusal says the same whatever the cause.
const GENERIC = 'The e-mail, password or code is not right';
let s = await signIn(srv, coord, 'not the password at all');
html = await s.r.text();
check(s.r.status === 400 && html.includes(GENERIC) && !s.jar.c['safer-session'], `a wrong password: ${s.r.status}`);
check(html.includes('value="coordinator@example.org"'), 'the e-mail is kept in the form');
check(!html.includes('not the password at all'), 'the password is not written back');
s = await signIn(srv, { email: 'nobody@example.org' });
html = await s.r.text();
check(s.r.status === 400 && html.includes(GENERIC), `an unknown e-mail: ${s.r.status}`);

// Lock-out: 10 failures, then the right password is refused too, until
// the window has passed.
const prac = await addUser(db, srv, 'practitioner');
for (let i = 0; i < 10; i++)
    await signIn(srv, prac, `wrong password number ${i}`);
s = await signIn(srv, prac);
check(s.r.status === 400 && (await s.r.text()).includes(GENERIC), `the 11th attempt, with the right password: ${s.r.status}`);
srv.setClock(srv.offset + 6 * 60);
s = await signIn(srv, prac);
check(s.r.status === 303, `after the window, the right password: ${s.r.status}`);

// Idle expiry: 30 minutes without a request ends the session.
r = await s.jar.get(`${U}/`);
check(r.status === 200, `a fresh session: ${r.status}`);
srv.setClock(srv.offset + 29 * 60);
r = await s.jar.get(`${U}/`);
check(r.status === 200, `29 minutes idle: ${r.status}`);
srv.setClock(srv.offset + 31 * 60);
r = await s.jar.get(`${U}/`);
check(r.status === 303 && r.headers.get('location') === '/sign-in', `31 minutes idle: ${r.status}`);

// An administrator signs in with a code from the app enrolled at set-up.
const admin = await addUser(db, srv, 'administrator');
check(admin.secret, 'the administrator\'s set-up page shows the authenticator secret');
s = await signIn(srv, { email: admin.email });
check(s.r.status === 400, `an administrator without a code: ${s.r.status}`);
s = await signIn(srv, admin);
check(s.r.status === 303, `an administrator with a code: ${s.r.status}`);

check(await srv.stop() === 0, 'SIGTERM: exit 0');

// Behind a TLS proxy: Secure cookies with the __Host- prefix, and HSTS.
const px = await serve(db, ['--behind-proxy']);
s = await signIn(px, coord);
const pc = cookiesOf(s.r)['__Host-safer-session'];
check(s.r.status === 303 && pc, `behind the proxy the cookie is __Host-safer-session: ${Object.keys(cookiesOf(s.r))}`);
if (pc)
    check(pc.attrs.map((x) => x.toLowerCase()).includes('secure'), 'behind the proxy the cookie is Secure');
check(/max-age=\d+/.test(s.r.headers.get('strict-transport-security') || ''), 'behind the proxy HSTS is sent');
check(await px.stop() === 0, 'SIGTERM behind the proxy: exit 0');

doneTesting();
