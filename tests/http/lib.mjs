// Helpers for the HTTP tests: each test makes its own store with the real
// binary ($SAFER), imports the Safer Maidstone plan, starts `safer serve`
// on a free port of 127.0.0.1, talks to it with Node's fetch and raw
// sockets, and stops it with SIGTERM, expecting exit status 0.
//
// With SAFER_TEST_PG (a server's base URL, see scripts/pg.sh) every store
// is a new PostgreSQL database on that server, as in tests/cli/lib.sh.
// A test that cannot run here exits 77 (skipped); under CI=true that is a
// failure.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const PLAN = join(ROOT, 'data', 'plans', 'safer-maidstone-2021.json');
export const PARTNERSHIP = 'E22000142';

let failures = 0;
let checks = 0;

export function skip(reason) {
    if (process.env.CI === 'true') {
        console.error(`FAIL: cannot run under CI: ${reason}`);
        process.exit(1);
    }
    console.log(`skipped: ${reason}`);
    process.exit(77);
}

export function check(ok, message) {
    checks++;
    if (!ok) {
        failures++;
        console.error(`FAIL: ${message}`);
    }
    return ok;
}

export function doneTesting() {
    if (failures) {
        console.error(`${failures} of ${checks} checks failed`);
        process.exit(1);
    }
    console.log(`${checks} checks passed`);
}

if (!process.env.SAFER)
    skip('set SAFER to the safer binary');

// A temporary folder removed when the process exits, with any PostgreSQL
// databases the test made.
const TMP = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'safer-http.'));
const PG_PREFIX = basename(TMP).toLowerCase().replace(/[^a-z0-9]/g, '_');
const pgDatabases = [];
process.on('exit', () => {
    for (const db of pgDatabases) {
        try {
            execFileSync('psql', ['-X', '-q', `${process.env.SAFER_TEST_PG}/postgres`, '-c',
                `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`], { stdio: 'ignore' });
        } catch { /* best effort */ }
    }
    rmSync(TMP, { recursive: true, force: true });
});
export const tmp = TMP;

// The target of a new, empty store.
export function newStore(name) {
    if (process.env.SAFER_TEST_PG) {
        const db = `${PG_PREFIX}_${name}`;
        execFileSync('psql', ['-X', '-q', `${process.env.SAFER_TEST_PG}/postgres`, '-c',
            `CREATE DATABASE "${db}"`], { stdio: 'ignore' });
        pgDatabases.push(db);
        return `${process.env.SAFER_TEST_PG}/${db}`;
    }
    return join(TMP, `${name}.db`);
}

// Run the safer command; its standard output. Throws on a non-zero exit.
export function safer(db, args, input) {
    return execFileSync(process.env.SAFER, ['--db', db, ...args],
        { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

// A store with the Safer Maidstone Partnership's plan.
export function planStore(name = 'test') {
    const db = newStore(name);
    safer(db, ['import', 'plan', PLAN]);
    return db;
}

// Start `safer serve` on a free port; resolves to { url, port, stop(),
// log() }. stop() sends SIGTERM and resolves to the exit status.
export async function serve(db, extra = [], env = {}) {
    const clock = join(TMP, `clock-${Math.random().toString(16).slice(2)}`);
    writeFileSync(clock, '0\n');
    const proc = spawn(process.env.SAFER,
        ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--clock-offset-file', clock, ...extra],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '', err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve(sig ? sig : code)));
    // A test that fails half-way must not leave its server running.
    process.on('exit', () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); });
    const deadline = Date.now() + 20000;
    let m;
    while (!(m = out.match(/^serving (\d+) partnership\(s\) at http:\/\/127\.0\.0\.1:(\d+)\/$/m))) {
        if (Date.now() > deadline || proc.exitCode !== null) {
            proc.kill('SIGKILL');
            throw new Error(`safer serve did not start: ${out} ${err}`);
        }
        await sleep(20);
    }
    const port = Number(m[2]);
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
        try {
            const r = await fetch(`${url}/health`);
            if (r.status === 200)
                break;
        } catch { /* not yet */ }
        if (Date.now() > deadline)
            throw new Error('safer serve never answered /health');
        await sleep(20);
    }
    return {
        url, port, partnerships: Number(m[1]),
        log: () => err,
        // Move the server's clock `seconds` ahead of the real one.
        offset: 0,
        setClock(seconds) {
            this.offset = seconds;
            writeFileSync(clock, `${seconds}\n`);
        },
        stop: async () => {
            proc.kill('SIGTERM');
            return await exited;
        },
        signal: (sig) => proc.kill(sig),
        exited,
    };
}

export function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// fetch without following redirects.
export function get(url, opts = {}) {
    return fetch(url, { redirect: 'manual', ...opts });
}

// POST a urlencoded form (an object or a string).
export function postForm(url, fields, opts = {}) {
    const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
    return fetch(url, {
        method: 'POST', redirect: 'manual', body,
        ...opts,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) },
    });
}

export const CSP = "default-src 'self'; script-src 'self'; object-src 'none'; " +
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// The policy of a document of its own (the report, a pack): inline style only.
export const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

// Check the security headers every response of ours carries (WEB-03); a
// 200 of a route with "csp": "document" in routes.json carries DOCUMENT_CSP.
export function checkHeaders(r, what, csp = CSP) {
    const h = r.headers;
    check(h.get('content-security-policy') === csp, `${what}: CSP is '${h.get('content-security-policy')}'`);
    check(h.get('x-frame-options') === 'DENY', `${what}: X-Frame-Options`);
    check(h.get('x-content-type-options') === 'nosniff', `${what}: X-Content-Type-Options`);
    check(h.get('referrer-policy') === 'no-referrer', `${what}: Referrer-Policy`);
    check(!h.get('server'), `${what}: a Server header '${h.get('server')}'`);
    check(/charset=utf-8/i.test(h.get('content-type') || '') ||
          /^(font\/|image\/|application\/json$)/.test(h.get('content-type') || ''),
          `${what}: Content-Type '${h.get('content-type')}' names no charset`);
    check(!h.get('access-control-allow-origin'), `${what}: CORS header`);
}

// Send raw bytes on a new connection; resolves to what came back before
// the server closed it (or after `ms`).
export function raw(port, bytes, ms = 3000) {
    return new Promise((resolve) => {
        const s = connect(port, '127.0.0.1');
        let got = '';
        const done = () => { s.destroy(); resolve(got); };
        const timer = setTimeout(done, ms);
        s.on('data', (d) => { got += d.toString('latin1'); });
        s.on('end', () => { clearTimeout(timer); done(); });
        s.on('error', () => { clearTimeout(timer); done(); });
        s.write(bytes);
    });
}

// The value of the form token in a page.
export function csrfOf(html) {
    const m = html.match(/name="csrf_token" value="([0-9a-f]+)"/);
    return m ? m[1] : null;
}

// The cookies a response sets, as { name: { value, attrs } }.
export function cookiesOf(r) {
    const out = {};
    for (const line of r.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(';').map((s) => s.trim());
        const eq = pair.indexOf('=');
        out[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attrs, line };
    }
    return out;
}

// A cookie jar for one browser: keeps what the server sets, sends it back.
export class Jar {
    constructor() { this.c = {}; }
    take(r) {
        for (const [name, { value, attrs }] of Object.entries(cookiesOf(r))) {
            const age = attrs.find((a) => /^max-age=/i.test(a));
            if (value === '' || (age && Number(age.split('=')[1]) <= 0))
                delete this.c[name];
            else
                this.c[name] = value;
        }
        return r;
    }
    header() {
        return Object.entries(this.c).map(([k, v]) => `${k}=${v}`).join('; ');
    }
    async get(url) {
        return this.take(await get(url, { headers: { Cookie: this.header() } }));
    }
    async post(url, fields) {
        return this.take(await postForm(url, fields, { headers: { Cookie: this.header() } }));
    }
}

// ---- people ----

export const PASSWORD = 'correct horse battery staple';

// The TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) of a
// base32 secret for time step `step`.
export function totp(secret, step) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const ch of secret.replace(/=+$/, '').toUpperCase())
        bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
    const key = Buffer.alloc(Math.floor(bits.length / 8));
    for (let i = 0; i < key.length; i++)
        key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(BigInt(step));
    const h = createHmac('sha1', key).update(msg).digest();
    const off = h[h.length - 1] & 15;
    const n = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
    return String(n).padStart(6, '0');
}

// Add a person with `role` to the store's partnership (safer user add) and
// set them up through their link, as they would in a browser: the set-up
// page, a password, and for an administrator a first code from the
// secret the page shows. `extra`: more arguments of safer user add
// (['--partnership', CODE]). Resolves to { email, role, secret }.
export async function addUser(db, srv, role, email = `${role}@example.org`, extra = []) {
    let out;
    try {
        out = safer(db, ['user', 'add', '--email', email, '--name', `A ${role}`,
            '--org', 'Maidstone Borough Council', '--role', role, ...extra]);
    } catch (e) {
        if (/unknown command 'user'/.test(String(e.stderr)))
            skip('this safer has no `safer user add` yet');
        throw e;
    }
    const m = out.match(/\/account\/setup\?token=([0-9a-f]+)/);
    if (!m)
        throw new Error(`safer user add printed no link: ${out}`);
    const secret = await useLink(srv, m[1]);
    return { email, role, secret };
}

// Use a set-up or reset link's token as a browser would: choose
// PASSWORD, and when the page shows an authenticator secret, give its
// code. Resolves to the secret, or null.
export async function useLink(srv, token) {
    const jar = new Jar();
    let r = await jar.get(`${srv.url}/account/setup?token=${token}`);
    const html = await r.text();
    if (r.status !== 200)
        throw new Error(`the set-up page answered ${r.status}`);
    const fields = { csrf_token: csrfOf(html), token, password: PASSWORD,
        password_confirm: PASSWORD };
    let secret = null;
    const s = html.match(/<p class="safer-secret">([A-Z2-7]{16,})<\/p>/);
    if (s) {
        secret = s[1];
        fields.code = totp(secret, Math.floor((Date.now() / 1000 + srv.offset) / 30));
    }
    r = await jar.post(`${srv.url}/account/setup`, fields);
    if (r.status !== 303)
        throw new Error(`using the link answered ${r.status}: ${await r.text()}`);
    return secret;
}

// Sign `user` in with a new jar; resolves to { jar, r } (r: the answer to
// the POST). For an administrator the server's clock first moves 31
// seconds on, since each code works once: the code of the new step.
export async function signIn(srv, user, password = PASSWORD) {
    const jar = new Jar();
    let r = await jar.get(`${srv.url}/sign-in`);
    const fields = { csrf_token: csrfOf(await r.text()), email: user.email, password };
    if (user.secret) {
        srv.setClock(srv.offset + 31);
        fields.code = totp(user.secret, Math.floor((Date.now() / 1000 + srv.offset) / 30));
    }
    r = await jar.post(`${srv.url}/sign-in`, fields);
    return { jar, r };
}
