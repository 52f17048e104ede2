// Problem-solving projects over HTTP, on the engine the run picks (a plan
// store with three wards of the partnership's district): a project's form
// with mistakes comes back 400 with the messages and what was typed, and
// saves nothing; a good one is shown as its OSARA record; a response is
// added, and one with mistakes keeps what was typed; a post without the
// form token is refused; a stale edit is 409 and shows the project as it
// is now; an executive reads but is offered no form, and may not post;
// the assessment says why it cannot be computed without police.uk data.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    addUser, check, csrfOf, doneTesting, planStore, safer, serve, signIn, tmp,
} from './lib.mjs';

const db = planStore('projects');
const ward = (code, name, x) => `{"type": "Feature", "properties": {"WD19CD": "${code}", ` +
    `"WD19NM": "${name}", "LAD19CD": "E07000110"}, "geometry": {"type": "Polygon", ` +
    `"coordinates": [[[${x}, 51.25], [${x + 0.01}, 51.25], [${x + 0.01}, 51.26], [${x}, 51.26], ` +
    `[${x}, 51.25]]]}}`;
const wards = join(tmp, 'project-wards.geojson');
writeFileSync(wards, `{"type": "FeatureCollection", "features": [${ward('E05005001', 'Shepway North', 0.53)}, ` +
    `${ward('E05005002', 'Shepway South', 0.54)}, ${ward('E05005003', 'Park Wood', 0.56)}]}`);
safer(db, ['import', 'areas', wards, '--level=ward', '--code-field', 'WD19CD']);

const srv = await serve(db);
const U = srv.url;
async function person(role) {
    const { jar, r } = await signIn(srv, await addUser(db, srv, role, `${role}@example.org`));
    check(r.status === 303, `${role} signs in: ${r.status}`);
    jar.csrf = csrfOf(await (await jar.get(`${U}/account/sessions`)).text());
    return jar;
}
const coord = await person('coordinator');
const exec = await person('executive');

const form = (extra) => {
    const base = [['csrf_token', coord.csrf], ['title', 'Shepway burglary task force'],
        ['objective', 'Fewer burglaries of homes in Shepway'], ['category', 'Burglary'],
        ['wards', 'E05005001'], ['wards', 'E05005002'], ['start_date', '2020-09-01'],
        ['stage', 'scanning'], ['scanning', 'Burglary rose in 2019']];
    const names = new Set(extra.map(([k]) => k));
    return [...base.filter(([k]) => !names.has(k)), ...extra];
};

// ---- a project with mistakes ----
let r = await coord.post(`${U}/projects/new`, form([['category', 'Shoplifting!'], ['start_date', '2020-02-30']]));
let html = await r.text();
check(r.status === 400, `a project with mistakes: ${r.status}`);
check(html.includes('govuk-error-summary') && html.includes("Choose the problem&#39;s police.uk category") &&
    html.includes('Start date must be a real date'), 'the error summary names the category and the date');
check(html.includes('value="2020-02-30"') && html.includes('Shepway burglary task force'), 'what was typed is kept');
check(/value="E05005001" checked/.test(html) && !/value="E05005003" checked/.test(html), 'the wards ticked stay ticked');
r = await coord.get(`${U}/projects`);
check((await r.text()).includes('None yet.'), 'nothing was saved');
r = await coord.post(`${U}/projects/new`, form([['wards', 'E05999999']]));
check(r.status === 400 && (await r.text()).includes('Choose wards of the partnership'), `a ward of no partnership: ${r.status}`);

// ---- without the form token ----
r = await coord.post(`${U}/projects/new`, form([['csrf_token', 'x']]));
check(r.status === 403, `no form token: ${r.status}`);

// ---- a good one ----
r = await coord.post(`${U}/projects/new`, form([]));
check(r.status === 303, `a project: ${r.status}`);
const at = r.headers.get('location');
check(/^\/projects\/\d+$/.test(at), `sent to its page: ${at}`);
const id = at.split('/').pop();
r = await coord.get(`${U}${at}`);
html = await r.text();
check(r.status === 200 && html.includes('Shepway North, Shepway South') && html.includes('Objective') &&
    html.includes('Burglary rose in 2019') && html.includes('Scanning'), 'the OSARA record');
check(html.includes('The change cannot be computed yet'), 'the assessment says why it cannot be computed');
check(html.includes(`action="/projects/responses/${id}"`), 'the coordinator is offered the response form');

// ---- responses ----
r = await coord.post(`${U}/projects/responses/${id}`, [['csrf_token', coord.csrf], ['on_date', '2020-13-01'],
    ['partners', 'Kent Police'], ['what', '']]);
html = await r.text();
check(r.status === 400 && html.includes('Enter what was done') && html.includes('value="Kent Police"'),
    `a response with mistakes: ${r.status}`);
r = await coord.post(`${U}/projects/responses/${id}`, [['csrf_token', coord.csrf], ['on_date', '2020-09-07'],
    ['partners', 'Kent Police, Golding Homes'], ['what', 'Target hardening of 40 homes']]);
check(r.status === 303, `a response: ${r.status}`);
html = await (await coord.get(`${U}${at}`)).text();
check(html.includes('2020-09-07, Kent Police, Golding Homes') && html.includes('Target hardening of 40 homes'),
    'the response is on the record');

// ---- edits: a good one, then a stale one ----
r = await coord.get(`${U}/projects/edit/${id}`);
html = await r.text();
const version = (html.match(/name="version" value="(\d+)"/) || [])[1];
check(r.status === 200 && version === '2', `the edit form carries version 2: ${version}`);
r = await coord.post(`${U}/projects/edit/${id}`, form([['version', version], ['stage', 'response']]));
check(r.status === 303, `an edit: ${r.status}`);
r = await coord.post(`${U}/projects/edit/${id}`, form([['version', version], ['title', 'Stale title']]));
html = await r.text();
check(r.status === 409 && html.includes('Someone else changed this project') &&
    !html.includes('Stale title'), `a stale edit: ${r.status}`);
html = await (await coord.get(`${U}${at}`)).text();
check(html.includes('Response</strong>') && !html.includes('Stale title'), 'the stale edit changed nothing');

// ---- an executive reads, and may not change ----
r = await exec.get(`${U}${at}`);
html = await r.text();
check(r.status === 200 && !html.includes('/projects/responses/') && !html.includes('Change this project'),
    'an executive reads the record without forms');
r = await exec.post(`${U}/projects/responses/${id}`, [['csrf_token', exec.csrf], ['partners', 'X'], ['what', 'Y']]);
check(r.status === 403, `an executive may not add a response: ${r.status}`);
r = await exec.get(`${U}/projects`);
check(r.status === 200 && (await r.text()).includes('Shepway burglary task force'), 'the list');

// ---- a place drawn as a polygon ----
const corners = '0.535, 51.252\n0.545, 51.252\n0.545, 51.258\n0.535, 51.258';
r = await coord.post(`${U}/projects/new`, form([['place', corners]]));
html = await r.text();
check(r.status === 400 && html.includes('Choose wards or draw the place as a polygon, not both') &&
    html.includes('0.545, 51.258'), `wards and a polygon: ${r.status}, what was typed is kept`);
r = await coord.post(`${U}/projects/new`, form([['wards', ''], ['place', '0.535, 51.252\n0.545, 51.258\n0.545, 51.252\n0.535, 51.258']]));
html = await r.text();
check(r.status === 400 && html.includes('crosses itself'), `a polygon that crosses itself: ${r.status}`);
r = await coord.post(`${U}/projects/new`, form([['wards', ''], ['place', corners]]));
check(r.status === 303, `a project drawn as a polygon: ${r.status}`);
const drawn = r.headers.get('location');
r = await coord.get(`${U}${drawn}`);
html = await r.text();
check(r.status === 200 && html.includes('A drawn polygon of 4 corners') &&
    html.includes('0.545000, 51.258000'), 'its page names the drawn place and its corners');
r = await coord.get(`${U}/projects/edit/${drawn.split('/').pop()}`);
html = await r.text();
check(r.status === 200 && html.includes('0.535000, 51.252000'), 'its form holds the corners');

check(await srv.stop() === 0, 'SIGTERM: exit 0');
doneTesting();
