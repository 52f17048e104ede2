// The workspace in Debian's chromium, as a coordinator meets it: the demo's
// store served by `safer serve`, sign in, the dashboard, add an action,
// post an update that puts it off track and see the dashboard's count of
// actions off track for its priority change; a form sent with mistakes
// comes back with the GOV.UK error summary and what was typed. axe-core
// finds no WCAG 2.2 A or AA violation on any page, at 1366 and 390 px, for
// the coordinator and for an elected member.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

import {
    AXE_TAGS, PHONE, DESKTOP, axeViolations, check, describeViolations, doneTesting, launch, load,
    skip, tempDir,
} from './lib.mjs';

if (!process.env.SAFER)
    skip('set SAFER to the safer binary');
const { chromium, axeSource } = await load();
const dir = tempDir();

// The demo, and its accounts.
const demo = execFileSync(process.env.SAFER, ['demo', '--out', join(dir, 'demo')],
    { encoding: 'utf8', cwd: dir });
const logins = {};
for (const m of demo.matchAll(/^login: (\S+) (\S+) (\S+)$/gm))
    logins[m[3]] = { email: m[1], password: m[2] };
check(logins.coordinator && logins.member && logins.public,
    `the demo prints the coordinator's, member's and public's logins: ${demo}`);

// The server on a free port.
const srv = spawn(process.env.SAFER, ['--db', join(dir, 'demo', 'demo.db'), 'serve', '--listen',
    '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
srv.stdout.on('data', (d) => { out += d; });
srv.stderr.on('data', () => {});
const exited = new Promise((resolve) => srv.on('exit', (code) => resolve(code)));
process.on('exit', () => srv.kill('SIGKILL'));
let base;
for (let i = 0; i < 500 && !base; i++) {
    const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m)
        base = m[1];
    else
        await new Promise((r) => setTimeout(r, 20));
}
if (!base) {
    console.error(`FAIL: safer serve did not start: ${out}`);
    process.exit(1);
}

const ctx = await launch(chromium, dir);
const page = ctx.pages()[0] || await ctx.newPage();
let pagesChecked = 0;

async function axeClean(what) {
    for (const size of [DESKTOP, PHONE]) {
        await page.setViewportSize(size);
        const vs = await axeViolations(page, axeSource);
        check(vs.length === 0, `axe (${AXE_TAGS.join(', ')}) on ${what} at ${size.width} px:\n  ${describeViolations(vs)}`);
    }
    await page.setViewportSize(DESKTOP);
    pagesChecked++;
}

async function signIn(role) {
    await page.goto(`${base}/`);
    check(new URL(page.url()).pathname === '/sign-in', `a visitor at / is sent to /sign-in: ${page.url()}`);
    await page.getByLabel('E-mail address').fill(logins[role].email);
    await page.getByLabel('Password').fill(logins[role].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    check(new URL(page.url()).pathname === '/', `signed in as ${role}, the dashboard: ${page.url()}`);
}

// The number in the dashboard's "Off track" column for the row of a priority.
async function offTrack(priority) {
    await page.goto(`${base}/`);
    return page.evaluate((p) => {
        for (const table of document.querySelectorAll('table')) {
            const heads = [...table.querySelectorAll('thead th')].map((h) => h.textContent.trim());
            const col = heads.indexOf('Off track');
            if (col < 0)
                continue;
            for (const row of table.querySelectorAll('tbody tr')) {
                const cells = [...row.children];
                if (cells[0] && cells[0].textContent.includes(p))
                    return Number(cells[col].textContent.trim());
            }
        }
        return NaN;
    }, priority);
}

// ---- the coordinator ----
await page.goto(`${base}/sign-in`);
await axeClean('the sign-in page');
await signIn('coordinator');
await axeClean('the dashboard');

const nav = await page.locator('.govuk-service-navigation__list').textContent();
for (const item of ['Dashboard', 'Actions', 'Indicators', 'Groups', 'Assessments', 'Equality', 'Funding'])
    check(nav.includes(item), `the coordinator's navigation offers ${item}`);
await page.getByRole('link', { name: 'Groups' }).click();
await page.waitForLoadState();
check((await page.locator('main').textContent()).includes('Safer Maidstone Partnership Executive Group (SMPEG)'),
    'the groups page names the executive group');

const PRIORITY = 'Reducing the impact of substance misuse on our community';
const before = await offTrack(PRIORITY);
check(Number.isInteger(before), `the dashboard counts actions off track for "${PRIORITY}": ${before}`);

for (const path of ['/actions', '/actions/1', '/actions/edit/1', '/indicators', '/indicators/1',
    '/indicators/edit/1',
    '/groups', '/assessments', '/account/sessions',
    /* equality and money */
    '/equality', '/equality/1', '/equality/new', '/equality/edit/1', '/funding', '/funding/1',
    '/funding/new', '/funding/edit/1',
    // groups: the strategy's pages
    '/groups/smpeg', '/groups/edit/smpeg', '/priorities', '/priorities/domestic-abuse',
    '/priorities/edit/domestic-abuse', '/plans/socp/2021', '/plans/edit/socp/2021',
    // projects: the demo's task-force project
    '/projects', '/projects/1', '/projects/new', '/projects/edit/1',
    // analysis: area intelligence
    '/analysis', '/analysis/near-repeat', '/analysis/near-repeat?category=Vehicle%20crime',
    '/analysis/clusters', '/analysis/clusters?k=8', '/analysis/hot-spots',
    // partner agencies' data
    '/partners', '/partners/assault-admissions', '/partners/deliberate-fires',
    '/packs/data-share',
    // surveys: the demo's residents' survey
    '/surveys']) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 200, `${path}: ${r.status()}`);
    await axeClean(path);
}
// analysis: a bad query value comes back with the error summary
for (const path of ['/analysis/near-repeat?category=Nothing', '/analysis/clusters?k=1',
    '/packs/data-share?quarter=2019-Q9']) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 400 && (await page.locator('.govuk-error-summary').count()) === 1,
        `${path}: ${r.status()}`);
    await axeClean(path);
}
// area: accounts
for (const path of ['/account/password', '/account/partnership']) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 200, `${path}: ${r.status()}`);
    await axeClean(path);
}
// Ward profiles and the focus area (the demo's ward E05900013, Marshden)
for (const path of ['/wards', '/wards/E05900013']) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 200, `${path}: ${r.status()}`);
    await axeClean(path);
}
// Service usage and pop-up sites (the demo's one-stop-shop); a bad value
// comes back with the error summary
for (const path of ['/services', '/services/pop-up', '/services/pop-up?p=3&objective=median',
    '/services/pop-up?demand=visitors&distance=2000', '/services/pop-up?demand=records']) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 200, `${path}: ${r.status()}`);
    await axeClean(path);
}
{
    const path = '/services/pop-up?p=9&distance=far';
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 400 && (await page.locator('.govuk-error-summary').count()) === 1,
        `${path}: ${r.status()}`);
    await axeClean(path);
}

// groups: change a group's cadence, with a mistake first, and see it on its page.
await page.goto(`${base}/groups`);
await page.getByRole('link', { name: 'Serious & Organised Crime Panel (SOCP)' }).click();
await page.waitForLoadState();
check((await page.locator('main').textContent()).includes('regularly'), 'the SOCP meets "regularly"');
await page.getByRole('link', { name: 'Change this group' }).click();
await page.waitForLoadState();
await page.locator('#name').fill('');
await page.getByLabel('How often it meets').fill('Every six weeks');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check((await page.locator('.govuk-error-summary').textContent()).includes("Enter the group's name"),
    'a group without a name: the error summary says so');
check(await page.getByLabel('How often it meets').inputValue() === 'Every six weeks',
    'the cadence typed is kept');
await axeClean('/groups/edit/socp with errors');
await page.locator('#name').fill('Serious & Organised Crime Panel (SOCP)');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check(new URL(page.url()).pathname === '/groups/socp', `saved, the group's page: ${page.url()}`);
check((await page.locator('.govuk-summary-list').textContent()).includes('Every six weeks'),
    'the group page shows the new cadence');
await axeClean('/groups/socp');

// Add an action: first with mistakes, then right.
await page.goto(`${base}/actions/new`);
await axeClean('/actions/new');
await page.getByLabel('Due date').fill('2027-02-30');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check(await page.locator('.govuk-error-summary').isVisible(), 'an action without a title: the error summary');
check((await page.locator('.govuk-error-summary').textContent()).includes('Enter a title'),
    'the summary says to enter a title');
check(await page.getByLabel('Due date').inputValue() === '2027-02-30', 'what was typed is kept');
check((await page.title()).startsWith('Error: '), `the title starts "Error: ": ${await page.title()}`);
await axeClean('/actions/new with errors');

const TITLE = 'Review the street-drinking PSPO with the licensing team';
await page.getByLabel('Title').fill(TITLE);
await page.getByLabel('Priority').selectOption({ label: PRIORITY });
await page.getByLabel('Due date').fill('2027-03-31');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
const actionPath = new URL(page.url()).pathname;
check(/^\/actions\/\d+$/.test(actionPath), `saved, the action's page: ${page.url()}`);
check((await page.locator('h1').textContent()).includes(TITLE), 'the action page heads it');

// An update that leaves it off track.
await page.getByLabel('Status').selectOption('off-track');
await page.getByLabel('Progress (per cent)').fill('10');
await page.getByLabel('What has happened').fill('Licensing cannot meet before March: <script>alert(1)</script>');
let dialog = false;
page.on('dialog', (d) => { dialog = true; d.dismiss(); });
await page.getByRole('button', { name: 'Post update' }).click();
await page.waitForLoadState();
check(new URL(page.url()).pathname === actionPath, `after the update, the action again: ${page.url()}`);
check((await page.locator('.govuk-inset-text').first().textContent()).includes('<script>alert(1)</script>'),
    'the update shows as text, markup and all');
check(!dialog, 'no script from an update ran');
await axeClean(actionPath);

const after = await offTrack(PRIORITY);
check(after === before + 1, `the dashboard's off-track count for the priority went from ${before} to ${after}`);

// Add an indicator: first with nothing, then right.
await page.goto(`${base}/indicators`);
await page.getByRole('link', { name: 'Add an indicator' }).click();
await page.waitForLoadState();
await axeClean('/indicators/new');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check((await page.locator('.govuk-error-summary').textContent()).includes('Enter a title'),
    'an indicator without a title: the error summary says so');
await axeClean('/indicators/new with errors');
await page.getByLabel('Title').fill('Shoplifting in the whole area, by quarter');
await page.getByLabel('Shoplifting').check();
await page.getByLabel('Quarterly').check();
await page.getByLabel('Target', { exact: true }).fill('40');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check(/^\/indicators\/\d+$/.test(new URL(page.url()).pathname), `saved, the indicator's page: ${page.url()}`);
check((await page.locator('h1').textContent()).includes('Shoplifting in the whole area'),
    'the new indicator\'s page heads it');
await axeClean('a new indicator');

// ---- equality and money: record spend on a grant, see what remains change ----
// The text of the summary list row headed `key` on the page.
async function summaryValue(key) {
    return (await page.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) })
        .locator('dd').first().textContent()).trim();
}
await page.goto(`${base}/equality/1`);
check((await page.locator('main').textContent()).includes('Review overdue'),
    'the demo\'s equality impact assessment, its review date past, says the review is overdue');
await page.goto(`${base}/funding`);
check((await page.locator('main').textContent()).includes('Safer Maidstone Partnership Executive Group (SMPEG)'),
    'the funding page lists the SMPEG\'s fund');
await page.getByRole('link', { name: 'Safer Maidstone Partnership Executive Group (SMPEG)' }).click();
await page.waitForLoadState();
const grantPath = new URL(page.url()).pathname;
const leftBefore = await summaryValue('Remaining');
check(leftBefore === '£5,249.50', `the SMPEG fund has £5,249.50 left: ${leftBefore}`);
check((await page.locator('main').textContent()).includes('Introduce the new'),
    'the grant names the actions it pays for');
await page.getByRole('link', { name: 'Change this grant or record spend' }).click();
await page.waitForLoadState();
await page.getByLabel('Spent so far').fill('-£20');
await page.getByLabel('End of the period').fill('2021-03-31');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
const grantErrors = await page.locator('.govuk-error-summary').textContent();
check(grantErrors.includes('Spend may not be negative') &&
    grantErrors.includes('The end of the period must be the same as or after its start'),
    `negative spend and a period ending before it starts: the error summary says so: ${grantErrors.replace(/\s+/g, ' ')}`);
check(await page.getByLabel('Spent so far').inputValue() === '-£20', 'the spend typed is kept');
check(await page.getByLabel('Introduce the new', { exact: false }).isChecked(),
    'the actions ticked stay ticked');
await axeClean('/funding/edit with errors');
await page.getByLabel('End of the period').fill('2022-03-31');
await page.getByLabel('Spent so far').fill('£12,000');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check(new URL(page.url()).pathname === grantPath, `saved, the grant again: ${page.url()}`);
const leftAfter = await summaryValue('Remaining');
check(leftAfter === '£3,000.00', `after recording £12,000 spent, £3,000.00 remains: ${leftAfter}`);
await page.goto(`${base}/funding`);
check((await page.locator('tfoot').textContent()).includes('£48,000.00'),
    'the funding page\'s total spent counts the new spend');

// ---- an elected member: aggregates only ----
await page.goto(`${base}/`);
await page.getByRole('button', { name: 'Sign out' }).click();
await page.waitForLoadState();
await signIn('member');
await axeClean('the member\'s dashboard');
const navMember = await page.locator('.govuk-service-navigation__list').textContent();
check(navMember.includes('Indicators') && !navMember.includes('Actions'),
    `a member's navigation offers the indicators, not the actions: ${navMember.replace(/\s+/g, ' ')}`);
const r = await page.goto(`${base}${actionPath}`);
check(r.status() === 403, `a member asks for an action: ${r.status()}`);
await axeClean('the 403 page');
for (const path of ['/indicators', '/indicators/1', '/equality/1', '/funding', '/funding/1']) {
    const rr = await page.goto(`${base}${path}`);
    check(rr.status() === 200, `a member's ${path}: ${rr.status()}`);
    if (path === '/funding/1')
        check(await page.locator('main a[href^="/actions/"]').count() === 0,
            'a member sees what a grant pays for by title, with no link to an action');
    await axeClean(`the member's ${path}`);
}

// ---- the administrator: people, and one's own password (area: accounts) ----
await page.goto(`${base}/`);
await page.getByRole('button', { name: 'Sign out' }).click();
await page.waitForLoadState();
check(logins.administrator, 'the demo prints the administrator\'s login');
await signIn('administrator');
await page.getByRole('link', { name: 'People', exact: true }).click();
await page.waitForLoadState();
check(new URL(page.url()).pathname === '/people', `the navigation's People: ${page.url()}`);
check((await page.locator('main').textContent()).includes(logins.coordinator.email),
    'the people page lists the coordinator');
await axeClean('/people');
await page.getByRole('link', { name: 'Add a person' }).click();
await page.waitForLoadState();
await axeClean('/people/new');
await page.getByLabel('Name').fill('Sam Smith');
await page.getByLabel('E-mail address').fill('not an address');
await page.getByRole('button', { name: 'Add the person' }).click();
await page.waitForLoadState();
check((await page.locator('.govuk-error-summary').textContent()).includes('Enter the organisation'),
    'a person without an organisation: the error summary says so');
check(await page.getByLabel('Name').inputValue() === 'Sam Smith', 'the name typed is kept');
await axeClean('/people/new with errors');
await page.getByLabel('E-mail address').fill('sam.smith@demo.example');
await page.getByLabel('Organisation').fill('Kent Fire and Rescue Service');
await page.getByLabel('Role').selectOption('analyst');
await page.getByRole('button', { name: 'Add the person' }).click();
await page.waitForLoadState();
check(/\/account\/setup\?token=[0-9a-f]{32}/.test(await page.locator('main').textContent()),
    'the new person\'s set-up link is on the page');
await axeClean('the set-up link page');
await page.goto(`${base}/people`);
await page.getByRole('link', { name: 'Sam Smith' }).click();
await page.waitForLoadState();
check(/^\/people\/\d+$/.test(new URL(page.url()).pathname), `a person's page: ${page.url()}`);
await axeClean('/people/{id}');
await page.getByRole('button', { name: 'Disable them' }).click();
await page.waitForLoadState();
check((await page.locator('h1').textContent()).includes('Disable Sam Smith?'), 'disabling asks first');
await axeClean('the confirmation to disable');
await page.getByRole('link', { name: 'No, go back' }).click();
await page.waitForLoadState();
await page.goto(`${base}/account/password`);
await page.getByRole('button', { name: 'Change password' }).click();
await page.waitForLoadState();
check((await page.locator('.govuk-error-summary').textContent()).includes('Enter your current password'),
    'a password change with nothing typed: the error summary');
await axeClean('/account/password with errors');

// ---- the public's account: signed in, it sees what the public sees ----
await page.goto(`${base}/`);
await page.getByRole('button', { name: 'Sign out' }).click();
await page.waitForLoadState();
await page.goto(`${base}/sign-in`);
await page.getByLabel('E-mail address').fill(logins.public.email);
await page.getByLabel('Password').fill(logins.public.password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForLoadState();
check(/^\/public\/E22900001$/.test(new URL(page.url()).pathname),
    `the public's account lands on the public summary: ${page.url()}`);
await axeClean('the public summary, signed in');
const pr = await page.goto(`${base}/indicators`);
check(pr.status() === 403, `the public's account asks for the indicators: ${pr.status()}`);
await page.goto(`${base}/account/sessions`);
check(new URL(page.url()).pathname === '/account/sessions', 'the public\'s account sees its sessions');

// ---- a survey indicator: the form's survey states, its page, the demo's ----
await page.goto(`${base}/`);
await page.getByRole('button', { name: 'Sign out' }).click();
await page.waitForLoadState();
await signIn('analyst');
await page.goto(`${base}/indicators/new`);
await page.getByLabel('Title').fill('% who feel safe after dark, the whole area');
await page.getByLabel('From the residents\' survey').check();
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check((await page.locator('.govuk-error-summary').textContent()).includes('Select the survey question'),
    'a survey indicator without its question: the error summary says so');
await axeClean('/indicators/new, a survey indicator without its question');
await page.getByLabel('Survey question').selectOption('safe_night');
await page.getByLabel('Target', { exact: true }).fill('65');
await page.getByRole('button', { name: 'Save' }).click();
await page.waitForLoadState();
check(/^\/indicators\/\d+$/.test(new URL(page.url()).pathname), `saved, the survey indicator's page: ${page.url()}`);
check((await page.locator('thead').last().textContent()).includes('95% confidence interval'),
    'the survey indicator\'s table gives the 95% confidence interval');
await axeClean('a survey indicator');
await page.goto(`${base}/indicators`);
await page.getByRole('link', { name: '% of residents who feel safe in their local area after dark' }).click();
await page.waitForLoadState();
await axeClean('the demo plan\'s survey indicator');

await ctx.close();
srv.kill('SIGTERM');
check(await exited === 0, 'the server stops on SIGTERM with status 0');
console.log(`${pagesChecked} pages checked with axe at two widths`);
doneTesting();
