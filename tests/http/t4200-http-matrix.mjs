// The role x route matrix (AC-02): tests/http/routes.json names, for every
// route of the server's table, the status each role gets (t4150 checks
// that it names them all). This test walks it for the public and each of
// the seven roles (the public's both as a visitor and signed in), failing on any mismatch (naming role, method and
// route). A second pass mutates the requests: a session with another
// session's form token, and a session that has ended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    CSP, DOCUMENT_CSP, HERE, Jar, addUser, check, checkHeaders, csrfOf, doneTesting, planStore,
    serve, signIn,
} from './lib.mjs';

const matrix = JSON.parse(readFileSync(join(HERE, 'routes.json'), 'utf8'));
const db = planStore();

const srv = await serve(db);
const U = srv.url;
const users = {};
// 'public-account' is a person signed in with the public's role.
for (const role of matrix.roles.slice(1))
    users[role] = role === 'public-account'
        ? await addUser(db, srv, 'public', 'resident@example.org')
        : await addUser(db, srv, role);

// A browser for `role`: signed in, or for the public one that has the
// sign-in page's form token.
async function browser(role) {
    if (role === 'public') {
        const jar = new Jar();
        const r = await jar.get(`${U}/sign-in`);
        jar.csrf = csrfOf(await r.text());
        return jar;
    }
    const { jar, r } = await signIn(srv, users[role]);
    if (r.status !== 303)
        throw new Error(`${role} could not sign in: ${r.status}`);
    jar.csrf = csrfOf(await (await jar.get(`${U}/account/sessions`)).text());
    return jar;
}

const expected = (row, role) => (role in row.expect ? row.expect[role] : row.expect['*']);
// Words of the plan that must not appear in a refusal.
const PLAN_WORDS = ['Safer Maidstone Partnership Executive Group', '"priorities"'];

for (const role of matrix.roles) {
    let jar = await browser(role);
    for (const row of matrix.routes) {
        const url = `${U}${row.path}`;
        const r = row.method === 'GET' ? await jar.get(url)
            : await jar.post(url, { csrf_token: jar.csrf, ...(row.fields || {}) });
        const want = expected(row, role);
        const body = await r.text();
        check(r.status === want, `${role} ${row.method} ${row.route}: ${r.status}, expected ${want}`);
        checkHeaders(r, `${role} ${row.method} ${row.route}`,
            row.csp === 'document' && r.status === 200 ? DOCUMENT_CSP : CSP);
        if (role !== 'public' && !row.route.startsWith('/assets/') && row.route !== '/health')
            check(r.headers.get('cache-control') === 'no-store', `${role} ${row.method} ${row.route}: Cache-Control ${r.headers.get('cache-control')}`);
        if ([401, 403, 404].includes(r.status))
            for (const w of PLAN_WORDS)
                check(!body.includes(w), `${role} ${row.method} ${row.route}: ${r.status} shows '${w}'`);
        if (row.ends_session && role !== 'public')
            jar = await browser(role);
    }
}

// Mutated requests: a session's cookie with another session's form token,
// and a session after it ended.
const x = await browser('coordinator');
const y = await browser('member');
for (const row of matrix.routes.filter((r) => r.method === 'POST')) {
    const r = await x.post(`${U}${row.path}`, { csrf_token: y.csrf, ...(row.fields || {}) });
    check(r.status === 403, `coordinator with the member's form token, POST ${row.route}: ${r.status}`);
}
const stale = x.header();
await x.post(`${U}/sign-out`, { csrf_token: x.csrf });
for (const row of matrix.routes) {
    const r = row.method === 'GET'
        ? await fetch(`${U}${row.path}`, { redirect: 'manual', headers: { Cookie: stale } })
        : await fetch(`${U}${row.path}`, { method: 'POST', redirect: 'manual',
            headers: { Cookie: stale, 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ csrf_token: x.csrf, ...(row.fields || {}) }).toString() });
    const want = expected(row, 'public');
    // An ended session is nobody: what the public gets, except that a POST
    // carrying the dead session's token fails the token check (403).
    const ok = row.method === 'POST' ? r.status === 403 : r.status === want;
    check(ok, `an ended session, ${row.method} ${row.route}: ${r.status}`);
}

check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
