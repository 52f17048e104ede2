// Residents' surveys over HTTP on the demo's store: /surveys shows every
// figure `safer survey` prints for the latest wave (weighted %, the 95%
// confidence interval and the base, overall and by ward); an analyst sees a
// ward on a small base with its warning, an elected member does not see it
// at all (as `safer survey --public`); the public is sent to sign in; the
// page is linked from /analysis.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addUser, check, doneTesting, serve, signIn, tmp } from './lib.mjs';

execFileSync(process.env.SAFER, ['demo', '--out', join(tmp, 'demo')], { cwd: tmp });
const db = join(tmp, 'demo', 'demo.db');
const csv = (extra) => execFileSync(process.env.SAFER, ['--db', db, 'survey', ...extra],
    { cwd: tmp, encoding: 'utf8' }).trim().split('\n').slice(1).map((l) => {
    // domain_name never holds a comma in the demo
    const f = l.split(',');
    return { q: f[0], wave: f[1], code: f[2], name: f[3], base: f[4], pct: f[5], lo: f[6], hi: f[7], small: f[8] };
});
const all = csv([]);
const pub = csv(['--public']);
const latest = all.filter((x) => x.wave === '2021');
check(latest.length > 26, `safer survey has the 2021 rows: ${latest.length}`);
const small = latest.filter((x) => x.code && x.small === 'yes');
check(small.length > 0, `some ward of the demo has a small base: ${small.length}`);

const srv = await serve(db);
const U = srv.url;
let r = await fetch(`${U}/surveys`, { redirect: 'manual' });
check(r.status === 303, `the public's /surveys: ${r.status}`);

// The rows of the page's tables: [heading, pct, interval, base].
function rows(html) {
    return [...html.matchAll(/<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">([^<]*)<\/th><td[^>]*>([^<]*)<\/td><td[^>]*>([^<]*)<\/td><td[^>]*>(\d+)/g)]
        .map((m) => ({ head: m[1], pct: m[2], ci: m[3], base: m[4] }));
}
// The by-ward part, split per question table.
function wards(html, label) {
    const at = html.indexOf(`% who ${label}, by ward, wave 2021`);
    return at < 0 ? [] : rows(html.slice(at).split('</table>')[0]);
}

const analyst = await signIn(srv, await addUser(db, srv, 'analyst', 'analyst@example.org'));
r = await analyst.jar.get(`${U}/surveys`);
let html = await r.text();
check(r.status === 200 && html.includes('<h1 class="govuk-heading-l">Residents\' surveys</h1>'),
    `/surveys: ${r.status}`);
const overall = rows(html.slice(html.indexOf('All respondents, wave 2021')).split('</table>')[0]);
const want = latest.filter((x) => !x.code);
check(overall.length === want.length, `one overall row per question: ${overall.length}`);
const labels = { safe_day: 'feel safe in their local area during the day',
    safe_night: 'feel safe in their local area at night',
    asb_problem: 'think anti-social behaviour is a big problem in their local area',
    drugs_problem: 'think drug dealing or drug use is a big problem in their local area',
    burglary_problem: 'think burglary is a big problem in their local area',
    vehicle_problem: 'think vehicle crime (theft of or from vehicles) is a big problem in their local area',
    damage_problem: 'think vandalism or criminal damage is a big problem in their local area',
    violence_problem: 'think violence or assault is a big problem in their local area' };
for (const w of want) {
    const o = overall.find((x) => x.head === `% who ${labels[w.q]}`);
    check(o && o.pct === `${w.pct}%` && o.ci === `${w.lo}% to ${w.hi}%` && o.base === w.base,
        `${w.q} overall: page ${JSON.stringify(o)}, safer survey ${w.pct} ${w.lo}-${w.hi} ${w.base}`);
}
let same = 0;
for (const q of Object.keys(labels)) {
    const page = wards(html, labels[q]);
    const cmd = latest.filter((x) => x.q === q && x.code);
    check(page.length === cmd.length, `${q}: ${page.length} wards on the page, ${cmd.length} from safer survey`);
    for (const w of cmd) {
        const p = page.find((x) => x.head === w.name);
        if (p && p.pct === `${w.pct}%` && p.ci === `${w.lo}% to ${w.hi}%` && p.base === w.base)
            same++;
    }
}
check(same === latest.filter((x) => x.code).length, `every ward figure as safer survey's: ${same}`);
check(html.includes('Small base</strong>'), 'a small base is marked');

const member = await signIn(srv, await addUser(db, srv, 'member', 'member@example.org'));
r = await member.jar.get(`${U}/surveys`);
html = await r.text();
check(r.status === 200, `a member's /surveys: ${r.status}`);
check(html.includes('on a base under 50 respondents is not shown'), 'the member is told what is left out');
const mrows = wards(html, labels.safe_night).map((x) => x.head).sort();
const pwant = pub.filter((x) => x.wave === '2021' && x.q === 'safe_night' && x.code).map((x) => x.name).sort();
check(mrows.join() === pwant.join(), `the member's wards are safer survey --public's: ${mrows.length} of ${pwant.length}`);
for (const s of small.filter((x) => x.q === 'safe_night'))
    check(!mrows.includes(s.name), `${s.name} (base ${s.base}) is not shown to a member`);

r = await analyst.jar.get(`${U}/analysis`);
html = await r.text();
check(html.includes('href="/surveys"'), '/analysis links to /surveys');

await srv.stop();
doneTesting();
