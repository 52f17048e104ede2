// The route table and the matrix agree (AC-01, AC-02): every route the
// server has (safer serve --list-routes: method, path, permission) is a row
// of tests/http/routes.json, every row is a route the server has, and
// every route declares a permission. The matrix itself is walked by t4200.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE, check, doneTesting, newStore, safer } from './lib.mjs';

const matrix = JSON.parse(readFileSync(join(HERE, 'routes.json'), 'utf8'));
const db = newStore('routes');

// Every route of the table is in the file, and every row is a route.
const table = safer(db, ['serve', '--list-routes']).trim().split('\n').map((l) => l.split(' '));
const rows = new Set(matrix.routes.map((r) => `${r.method} ${r.route}`));
const routes = new Set(table.map(([m, p]) => `${m} ${p}`));
for (const [m, p, perm] of table) {
    check(rows.has(`${m} ${p}`), `route '${m} ${p}' (${perm}) is missing from routes.json`);
    check(perm && perm !== '(null)', `route '${m} ${p}' lists no permission`);
}
for (const r of matrix.routes)
    check(routes.has(`${r.method} ${r.route}`), `routes.json names '${r.method} ${r.route}', which the server does not have`);
check(JSON.stringify(matrix.roles) === JSON.stringify(['public', 'public-account', 'member', 'executive',
    'practitioner', 'analyst', 'coordinator', 'administrator']),
    'routes.json walks the public (a visitor, and a person of the public\'s role) and the six other roles');

doneTesting();
