// Residents' surveys by ward cluster over HTTP on the demo's store: /surveys
// shows, for the latest wave, every cluster figure `safer survey --clusters
// --area` prints for the partnership (weighted %, the 95% confidence
// interval and the base, each cluster a domain of the wave's one raked
// design); an elected member sees what `--public` prints.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, doneTesting, serve, signIn, tmp } from './lib.mjs';

execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo')], { cwd: tmp });
const db = join(tmp, 'demo', 'demo.db');
// The demo partnership's area, as its report is made.
const AREA = 'E22900001';
const csv = (extra) => execFileSync(process.env.SAFER,
    ['--db', db, 'survey', '--clusters', '--area', AREA, ...extra],
    { cwd: tmp, encoding: 'utf8' }).trim().split('\n').slice(1).map((l) => {
    // domain_name is quoted ("Langton, Oakford"): split around it
    const m = l.match(/^([^,]*),([^,]*),([^,]*),("[^"]*"|[^,]*),(\d+),([^,]*),([^,]*),([^,]*),(yes|no)$/);
    return { q: m[1], wave: m[2], code: m[3], name: m[4].replace(/^"|"$/g, ''), base: m[5],
        pct: m[6], lo: m[7], hi: m[8], small: m[9] };
});
const all = csv([]).filter((x) => x.wave === '2021' && x.code);
const pub = csv(['--public']).filter((x) => x.wave === '2021' && x.code);
check(all.length >= 2 * 8, `safer survey --clusters has the 2021 cluster rows: ${all.length}`);
check(all.every((x) => /^cluster-\d+$/.test(x.code)), 'every domain is cluster-K');

const srv = await serve(db);
const U = srv.url;

// The cluster tables' rows: [heading, pct, interval, base].
function clusterRows(html) {
    const at = html.indexOf('<h2 class="govuk-heading-m">By ward cluster</h2>');
    if (at < 0)
        return [];
    const out = [];
    for (const t of html.slice(at).split('</table>')) {
        const cap = t.match(/% who ([^<]*), by ward cluster, wave 2021/);
        if (!cap)
            continue;
        for (const m of t.matchAll(/<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Cluster (\d+): ([^<]*)<\/th><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>(\d+)/g))
            out.push({ label: cap[1], k: m[1], name: m[2].replace(/&#39;|&#x27;/g, "'"), pct: m[3], ci: m[4], base: m[5] });
    }
    return out;
}
function same(page, want) {
    let n = 0;
    for (const w of want) {
        const p = page.find((x) => `cluster-${x.k}` === w.code && x.name === w.name &&
            x.pct === `${w.pct}%` && x.ci === `${w.lo}% to ${w.hi}%` && x.base === w.base);
        if (p)
            n++;
    }
    return n;
}

const analyst = await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'));
let r = await analyst.jar.get(`${U}/surveys`);
let html = await r.text();
check(r.status === 200, `/surveys: ${r.status}`);
let rows = clusterRows(html);
check(rows.length === all.length, `one row per cluster and question: ${rows.length} of ${all.length}`);
check(same(rows, all) === all.length, `every cluster figure as safer survey --clusters's: ${same(rows, all)}`);
check(html.includes('href="/analysis/clusters"'), 'the clusters are linked');

const member = await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'));
r = await member.jar.get(`${U}/surveys`);
html = await r.text();
rows = clusterRows(html);
check(r.status === 200 && rows.length === pub.length,
    `a member's cluster rows are safer survey --clusters --public's: ${rows.length} of ${pub.length}`);
check(same(rows, pub) === pub.length, 'with the same figures');

await srv.stop();
doneTesting();
