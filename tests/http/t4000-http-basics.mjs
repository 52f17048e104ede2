// The server's HTTP layer, for a visitor not signed in: security headers on
// every answer (errors too), routes and methods (AC-01, AC-09), limits and
// malformed requests (IN-03, LOAD-03), the form token before anything else
// (WEB-02), the public pages and assets, and a clean stop on SIGTERM
// (REL-07).
import {
    PARTNERSHIP, check, checkHeaders, doneTesting, get, planStore, postForm, raw, serve, sleep,
} from './lib.mjs';

const db = planStore();
const srv = await serve(db);
const U = srv.url;
check(srv.partnerships === 1, `the banner counts ${srv.partnerships} partnerships`);

// Health.
let r = await get(`${U}/health`);
check(r.status === 200 && (await r.text()) === 'ok\n', '/health answers ok');
checkHeaders(r, 'GET /health');

// Not signed in: / leads to the sign-in page, with a path-only Location.
r = await get(`${U}/`);
check(r.status === 303 && r.headers.get('location') === '/sign-in',
    `GET / not signed in: ${r.status} ${r.headers.get('location')}`);
checkHeaders(r, 'GET / (303)');
r = await get(`${U}/account/sessions`);
check(r.status === 303 && r.headers.get('location') === '/sign-in',
    `GET /account/sessions not signed in: ${r.status}`);
r = await get(`${U}/api/priorities`);
check(r.status === 401 && /json/.test(r.headers.get('content-type')),
    `GET /api/priorities not signed in: ${r.status} ${r.headers.get('content-type')}`);
checkHeaders(r, 'GET /api/priorities (401)');

// Unknown routes, and nothing beyond the routes (AC-09).
for (const path of ['/nope', '/.git/config', '/safer.db', '/test.db-wal', '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fsafer.db', '/assets/', '/public/', '/Health',
    '/health/', '//health']) {
    r = await get(`${U}${path}`);
    const body = await r.text();
    check(r.status === 404, `GET ${path}: ${r.status}, not 404`);
    check(!body.includes('SQLite format 3') && !body.includes('root:'), `GET ${path}: leaks`);
    checkHeaders(r, `GET ${path} (404)`);
}

// Methods: anything but GET, HEAD and POST is 405, TRACE too.
for (const m of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    r = await fetch(`${U}/health`, { method: m, redirect: 'manual' }).catch(() => null);
    if (m === 'TRACE' && !r) {
        // fetch refuses to send TRACE: say it on a socket.
        const got = await raw(srv.port, 'TRACE / HTTP/1.1\r\nHost: x\r\n\r\n');
        check(/^HTTP\/1\.1 405/.test(got), `TRACE /: ${got.split('\r\n')[0]}`);
        check(got.includes("Content-Security-Policy: default-src 'self'"), 'TRACE 405 has a CSP');
        continue;
    }
    check(r && r.status === 405, `${m} /health: ${r && r.status}`);
    if (r)
        checkHeaders(r, `${m} /health (405)`);
}
r = await postForm(`${U}/health`, { a: 1 });
check(r.status === 405 && r.headers.get('allow') === 'GET, HEAD', `POST /health: ${r.status} Allow ${r.headers.get('allow')}`);
checkHeaders(r, 'POST /health (405)');
r = await get(`${U}/sign-out`);
check(r.status === 405 && r.headers.get('allow') === 'POST', `GET /sign-out: ${r.status}`);
r = await fetch(`${U}/health`, { method: 'HEAD' });
check(r.status === 200, `HEAD /health: ${r.status}`);

// The form token: a POST without one, or with a wrong one, is 403 before
// anything in it is looked at (an empty form would otherwise be 400).
r = await postForm(`${U}/sign-in`, {});
check(r.status === 403, `POST /sign-in with no fields: ${r.status}`);
checkHeaders(r, 'POST /sign-in (403)');
r = await postForm(`${U}/sign-in`, { email: 'a@b.c', password: 'x' });
check(r.status === 403, `POST /sign-in without a token: ${r.status}`);
r = await postForm(`${U}/sign-in`, { csrf_token: '0123456789abcdef0123456789abcdef', email: 'a@b.c' });
check(r.status === 403, `POST /sign-in with a made-up token: ${r.status}`);
// The sign-in page's own token, and its cookie, get past it...
r = await get(`${U}/sign-in`);
const page = await r.text();
const token = (page.match(/name="csrf_token" value="([0-9a-f]{32})"/) || [])[1];
const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
check(token && cookie.startsWith('safer-csrf='), `the sign-in page has a form token (${cookie})`);
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '', password: '' },
    { headers: { Cookie: cookie } });
const again = await r.text();
check(r.status === 400 && again.includes('Enter your e-mail address'),
    `an empty sign-in form with the right token is validated: ${r.status}`);
check(again.includes('govuk-error-summary'), 'the empty form shows the error summary');
// ...but not the token of another visitor, nor from another site.
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: 'safer-csrf=0123456789abcdef0123456789abcdef' } });
check(r.status === 403, `someone else's form token: ${r.status}`);
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: cookie, Origin: 'https://evil.invalid' } });
check(r.status === 403, `a POST from another origin: ${r.status}`);
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } });
check(r.status === 403, `a POST that says it is cross-site: ${r.status}`);
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-site' } });
check(r.status === 403, `a POST from a sibling site: ${r.status}`);
// A browser sends "Origin: null" for a form on a page with
// Referrer-Policy: no-referrer, as ours are: that is no reason to refuse.
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: cookie, Origin: 'null', 'Sec-Fetch-Site': 'same-origin' } });
check(r.status === 400, `a same-origin POST with Origin: null: ${r.status}`);
r = await postForm(`${U}/sign-in`, { csrf_token: token, email: '' },
    { headers: { Cookie: cookie, Origin: U, 'Sec-Fetch-Site': 'same-origin' } });
check(r.status === 400, `a same-origin POST with its Origin: ${r.status}`);

// Content-Type of a POST: only urlencoded forms.
r = await fetch(`${U}/sign-in`, { method: 'POST', body: '{"email":"a"}', headers: { 'Content-Type': 'application/json' } });
check(r.status === 415, `POST /sign-in as JSON: ${r.status}`);
checkHeaders(r, 'POST as JSON (415)');
r = await fetch(`${U}/sign-in`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
check(r.status === 415, `POST /sign-in as multipart: ${r.status}`);

// Sizes: a 2 MB form is 413; a 20 KB cookie is refused; the server goes on.
// The server answers 413 as soon as Content-Length says too much and
// closes; fetch, still writing the body, may see the connection go first
// (EPIPE). Then the same request's headers, sent alone, show the answer.
let big = null;
try {
    big = await postForm(`${U}/sign-in`, 'csrf_token=x&a=' + 'a'.repeat(2 * 1024 * 1024));
} catch (e) {
    big = null;
}
if (big) {
    check(big.status === 413, `a 2 MB form: ${big.status}`);
    checkHeaders(big, '2 MB form (413)');
} else {
    const got = await raw(srv.port, 'POST /sign-in HTTP/1.1\r\nHost: x\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2097167\r\n\r\ncsrf_token=x');
    check(/^HTTP\/1\.1 413/.test(got), `a 2 MB form: '${got.split('\r\n')[0]}'`);
    check(/\r\ncontent-security-policy: /i.test(got), 'a 2 MB form: the 413 carries the CSP');
}
// A 100 MB body announced by Content-Length is refused before it is sent;
// one sent chunked is cut off at the cap. Either way no handler runs.
let got = await raw(srv.port, 'POST /sign-in HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\ncsrf_token=');
check(/^HTTP\/1\.1 413/.test(got), `a 100 MB Content-Length: '${got.split('\r\n')[0]}'`);
const chunk = 'a'.repeat(16384);
got = await raw(srv.port, 'POST /sign-in HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n' +
    `${(chunk.length).toString(16)}\r\n${chunk}\r\n`.repeat(8) + '0\r\n\r\n');
check(got === '' || /^HTTP\/1\.1 413/.test(got), `a 128 KB chunked body: '${got.split('\r\n')[0]}'`);
r = await get(`${U}/health`, { headers: { Cookie: 'x=' + 'a'.repeat(20 * 1024) } });
check([400, 413, 431].includes(r.status), `a 20 KB cookie: ${r.status}`);
r = await get(`${U}/health`);
check(r.status === 200, `after the big cookie /health: ${r.status}`);
const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`).join('\r\n');
got = await raw(srv.port, `GET /health HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`);
check(/^HTTP\/1\.1 (400|413|431)/.test(got), `2000 headers: ${got.split('\r\n')[0]}`);

// Malformed requests on a raw socket: 400 (libmicrohttpd closes the
// connection without a word on a line with no path at all), and the
// server goes on.
got = await raw(srv.port, 'GARBAGE\r\n\r\n');
check(got === '' || /^HTTP\/1\.1 400/.test(got), `a request line with no path: '${got.split('\r\n')[0]}'`);
for (const line of ['GET / FOO/1.1', 'GET /health HTTP/1.1 extra']) {
    got = await raw(srv.port, `${line}\r\nHost: x\r\n\r\n`);
    check(/^HTTP\/1\.1 400/.test(got), `request line '${line}': '${got.split('\r\n')[0]}'`);
}
got = await raw(srv.port, 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
check(/^HTTP\/1\.1 400/.test(got), `a header line without a colon: '${got.split('\r\n')[0]}'`);
// Dot segments are not folded: the path names no route.
got = await raw(srv.port, 'GET /assets/fonts/../govuk-frontend.min.css HTTP/1.1\r\nHost: x\r\n\r\n');
check(/^HTTP\/1\.1 404/.test(got), `a path with '..': '${got.split('\r\n')[0]}'`);
got = await raw(srv.port, 'G\x01T /health HTTP/1.1\r\nHost: x\r\n\r\n');
check(/^HTTP\/1\.1 405/.test(got), `a method with a control character: '${got.split('\r\n')[0]}'`);
got = await raw(srv.port, 'GET /health HTTP/1.1\r\n\r\n');
check(/^HTTP\/1\.1 400/.test(got), `HTTP/1.1 without Host: '${got.split('\r\n')[0]}'`);
got = await raw(srv.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
check(/^HTTP\/1\.1 200/.test(got), `a well-formed raw request: '${got.split('\r\n')[0]}'`);
for (const path of ['/public/%zz', '/a%0', '/public/%00', '/public/%C0%AF', '/public/%ff',
    '/public/%0a', '/sign-in?x=%G1']) {
    r = await get(`${U}${path}`);
    check(r.status === 400, `GET ${path}: ${r.status}, not 400`);
    checkHeaders(r, `GET ${path} (400)`);
}
r = await get(`${U}/health`);
check(r.status === 200, `after the bad requests /health: ${r.status}`);

// The public summary: the partnership and its priorities, no session.
r = await get(`${U}/public`);
let html = await r.text();
check(r.status === 200 && html.includes(`href="/public/${PARTNERSHIP}"`), `/public lists the partnership: ${r.status}`);
checkHeaders(r, 'GET /public');
r = await get(`${U}/public/${PARTNERSHIP}`);
html = await r.text();
check(r.status === 200 && html.includes('Safer Maidstone Partnership'), `/public/${PARTNERSHIP}: ${r.status}`);
check(/<h2 class="govuk-heading-m">Priorities<\/h2>/.test(html), 'the public summary lists priorities');
check(html.includes('class="govuk-template"') && html.includes('govuk-service-navigation'),
    'pages use the GOV.UK template');
check(!/<script(?![^>]*\bsrc=)/.test(html), 'no inline script');
r = await get(`${U}/public/E99999999`);
check(r.status === 404, `an unknown partnership: ${r.status}`);

// Assets: the CSS the page names, with its fonts and images at the paths
// the CSS gives, each with its type and a long cache.
const css = html.match(/href="(\/assets\/govuk-frontend\.min\.css\?v=[0-9a-f]+)"/);
check(css, 'the page links govuk-frontend.min.css with a version');
r = await get(`${U}${css ? css[1] : '/assets/govuk-frontend.min.css'}`);
const text = await r.text();
check(r.status === 200 && r.headers.get('content-type') === 'text/css; charset=utf-8', `the CSS: ${r.status}`);
check(/max-age=31536000/.test(r.headers.get('cache-control') || ''), `the CSS's cache: ${r.headers.get('cache-control')}`);
checkHeaders(r, 'the CSS');
const urls = [...new Set([...text.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]))];
check(urls.length >= 3, `the CSS names ${urls.length} files`);
for (const u of urls) {
    r = await get(`${U}${u}`);
    const type = r.headers.get('content-type');
    check(r.status === 200, `${u} from the CSS: ${r.status}`);
    check(u.endsWith('.woff2') ? type === 'font/woff2' : u.endsWith('.woff') ? type === 'font/woff'
        : u.endsWith('.svg') ? type === 'image/svg+xml' : true, `${u}: type ${type}`);
}
for (const [u, type] of [['/assets/safer.css', 'text/css; charset=utf-8'],
    ['/assets/safer.js', 'text/javascript; charset=utf-8'],
    ['/assets/govuk-frontend.min.js', 'text/javascript; charset=utf-8'],
    ['/assets/images/favicon.ico', 'image/x-icon']]) {
    r = await get(`${U}${u}`);
    check(r.status === 200 && r.headers.get('content-type') === type, `${u}: ${r.status} ${r.headers.get('content-type')}`);
}

// The request log: one line per request, no query string, no client
// address (the audit log says where a change came from).
await get(`${U}/account/setup?token=0123456789abcdef0123456789abcdef`);

// SIGTERM while a request is in flight (a sign-in costs an argon2id
// verification, even for an unknown e-mail, about a third of a second;
// SIGTERM comes 100 ms after it was sent): it is answered, then the
// server stops taking connections and exits 0.
r = await get(`${U}/sign-in`);
const slowToken = (await r.text()).match(/name="csrf_token" value="([0-9a-f]{32})"/)[1];
const slowCookie = (r.headers.get('set-cookie') || '').split(';')[0];
const slow = postForm(`${U}/sign-in`, { csrf_token: slowToken, email: 'nobody@example.org', password: 'x'.repeat(12) },
    { headers: { Cookie: slowCookie } });
await sleep(100);
srv.signal('SIGTERM');
r = await slow.catch((e) => ({ status: `no answer (${e.cause ? e.cause.code : e})` }));
check(r.status === 400, `a sign-in in flight at SIGTERM is answered: ${r.status}`);
const status = await srv.exited;
check(status === 0, `SIGTERM: exit status ${status}`);
check(await fetch(`${U}/health`).then(() => false, () => true), 'after the stop nothing answers');
const log = srv.log();
check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ GET \/health 200 \d+ms$/m.test(log), 'the request log has a line for GET /health');
check(!log.includes('127.0.0.1'), 'the request log names no client address (personal data)');
check(/ GET \/account\/setup 404 \d+ms$/m.test(log), 'the request log has the set-up link without its query');
check(!log.includes('0123456789abcdef0123456789abcdef'), 'the request log has no token');

// An unexpected failure (a database call made to fail) is a 500 page
// with a reference the log repeats, and nothing of the cause (WEB-04).
// Which call fails depends on which worker opens its store when, so try
// a few: a failure while a worker opens its store is a 503 instead.
let page500 = null, faultyLog = '';
for (const n of [60, 90, 120, 150, 200, 250]) {
    const faulty = await serve(db, [], { SAFER_FAULT: `db:${n}` });
    for (let i = 0; i < 10 && !page500; i++) {
        r = await get(`${faulty.url}/public/${PARTNERSHIP}`);
        if (r.status === 500) {
            checkHeaders(r, 'a 500 page');
            page500 = await r.text();
            r = await get(`${faulty.url}/health`);
            check(r.status === 200, `after the failure /health: ${r.status}`);
        }
    }
    check(await faulty.stop() === 0, `the server with a failure (db:${n}) stops with exit 0`);
    faultyLog = faulty.log();
    if (page500)
        break;
}
check(page500, 'a failed database call gives a 500 page');
if (page500) {
    const ref = (page500.match(/quote this reference: <strong>([0-9a-f]{12})<\/strong>/) || [])[1];
    check(ref, 'the 500 page gives a reference');
    for (const w of ['sqlite', 'SQLite', 'SELECT', 'postgres', '/home/', '/tmp/', '.c:', 'database error'])
        check(!page500.includes(w), `the 500 page says '${w}'`);
    check(ref && new RegExp(`^request ${ref}: GET /public/\\{code\\}: `, 'm').test(faultyLog),
        'the log names the reference and the route');
}

doneTesting();
