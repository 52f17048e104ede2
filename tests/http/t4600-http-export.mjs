// The partnership's plan as a download (docs/exchange.md): for someone who
// may see the plan, /export/partnership.json is one JSON document sent as
// an attachment named after the partnership, holding the same actions as
// the command line's export; an elected member gets 403 and the public is
// sent to sign in. The audit log records nothing for a read.
import { check, doneTesting, PARTNERSHIP, addUser, planStore, safer, serve, signIn } from './lib.mjs';

const db = planStore();
const srv = await serve(db);
const U = srv.url;
const coord = await signIn(srv, await addUser(db, srv, 'coordinator'));
const member = await signIn(srv, await addUser(db, srv, 'member'));

let r = await coord.jar.get(`${U}/export/partnership.json`);
check(r.status === 200, `the coordinator's download: ${r.status}`);
check(r.headers.get('content-type') === 'application/json', `content type ${r.headers.get('content-type')}`);
check(r.headers.get('content-disposition') === `attachment; filename="safer-${PARTNERSHIP}.json"`,
    `content disposition ${r.headers.get('content-disposition')}`);
check(r.headers.get('cache-control') === 'no-store', `cache control ${r.headers.get('cache-control')}`);
const doc = await r.json().catch(() => null);
check(doc && doc.format === 'safer-partnership' && doc.partnership.code === PARTNERSHIP,
    'the download is the partnership\'s document');
const cli = JSON.parse(safer(db, ['export', 'partnership', '--format', 'json']));
check(doc && JSON.stringify(doc.partnership.actions) === JSON.stringify(cli.partnership.actions),
    'the download holds the same actions as the command line\'s export');
check(doc && doc.partnership.actions.length === 15, 'the plan\'s 15 actions');
check(doc && doc.partnership.people.some((p) => p.email === 'coordinator@example.org'),
    'the people, by e-mail');
check(!JSON.stringify(doc).includes('argon2'), 'no password hash');

r = await member.jar.get(`${U}/export/partnership.json`);
check(r.status === 403, `an elected member's download: ${r.status}`);
r = await fetch(`${U}/export/partnership.json`, { redirect: 'manual' });
check(r.status === 303, `the public's download: ${r.status}`);

check((await srv.stop()) === 0, 'the server stops cleanly');
doneTesting();
