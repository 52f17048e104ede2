// Helpers for the browser tests: each test makes a report with the real
// binary ($SAFER) in a fresh temporary folder, opens it in Debian's
// chromium through playwright-core, and checks the page as a reader (and a
// printer) meets it. Nothing is downloaded: the browser is /usr/bin/chromium,
// the npm packages come from tests/browser/node_modules (npm ci).
//
// A test that cannot run here (no node_modules, no chromium, no shared data)
// exits 77, which ctest reports as skipped; under CI=true that is a failure,
// as in tests/cli/lib.sh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

// The widths a reader meets the report at: a laptop and a phone.
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

// The smallest size any SVG text may be drawn at, in CSS px on screen.
export const MIN_SVG_TEXT_PX = 11;

// The WCAG 2.2 A and AA rules (axe tags); wcag22a has no rule of its own.
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

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

// playwright-core and axe-core, or a skip when npm ci has not been run.
export async function load() {
    if (!existsSync(join(HERE, 'node_modules', 'playwright-core')) ||
        !existsSync(join(HERE, 'node_modules', 'axe-core')))
        skip(`no node_modules in ${HERE} (run npm ci there, or scripts/setup.sh --tests)`);
    if (!existsSync(CHROMIUM))
        skip(`no ${CHROMIUM} (apt-get install chromium)`);
    const require = createRequire(join(HERE, 'package.json'));
    const { chromium } = require('playwright-core');
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    return { chromium, axeSource };
}

// A temporary folder removed when the process exits.
export function tempDir() {
    const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'safer-browser.'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

function safer(args, env) {
    const bin = process.env.SAFER;
    if (!bin)
        throw new Error('set SAFER to the safer binary');
    return execFileSync(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
        .toString();
}

// The police.uk files a report was made from: the names of the CSV files
// in `folders` (not recursive).
function csvNames(folders) {
    const names = [];
    for (const f of folders)
        for (const n of readdirSync(f))
            if (n.endsWith('.csv'))
                names.push(n);
    return names.sort();
}

// Make the report `kind` ("demo", or "real": the shared Maidstone data,
// imported as issue 8 describes) in `dir`. Returns its folder, the police
// files that contributed records to its area and the area's name and code.
export function makeReport(kind, dir) {
    const out = join(dir, 'report');
    if (kind === 'demo') {
        safer(['demo', '--out', out], { SAFER_DB: join(dir, 'demo.db') });
        return { out, files: csvNames([join(out, 'data', 'police')]), area: 'E22900001' };
    }
    if (kind !== 'real' && kind !== 'public')
        throw new Error(`unknown report '${kind}'`);
    const D = process.env.SAFER_SHARED_DATA || '/nonexistent';
    if (!existsSync(join(D, 'police-uk', 'kent')))
        skip(`the shared data is not at ${D}`);
    const env = { SAFER_DB: join(dir, 'real.db') };
    safer(['import', 'areas', join(D, 'boundaries/maidstone/maidstone_wards_2019_WD19.geojson')], env);
    safer(['import', 'lookup', join(D, 'lookups/lsoa11_to_ward19_lad19_ew.csv')], env);
    safer(['import', 'lookup', join(D, 'lookups/lad19_to_csp19_to_pfa19_ew.csv')], env);
    safer(['import', 'population', join(D, 'imd/File_6_-_IoD2019_Population_Denominators.csv')], env);
    safer(['import', 'deprivation', join(D, 'imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv')], env);
    const street = ['kent/street', 'btp/street', 'national/2019-01'].map((f) => join(D, 'police-uk', f));
    safer(['import', 'police', street[0], street[1]], env);
    safer(['import', 'police', street[2]], env);
    safer(['assess', '--out', out, '--area', 'E07000110', ...(kind === 'public' ? ['--public'] : [])], env);
    // The report lists the files that contributed records to the area:
    // Kent's and BTP's, not the national month's other forces.
    return { out, files: csvNames(street.slice(0, 2)), area: 'Maidstone (E07000110)' };
}

// Chromium as this machine allows it: headless, no sandbox (root), and none
// of the background connections that the closed network would refuse.
export async function launch(chromium, dir) {
    return chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        viewport: DESKTOP,
        // The report has no script; axe is injected by the test, not the page.
        bypassCSP: true,
    });
}

// The report named on the command line: "demo" or "real".
export function reportKind() {
    const kind = process.argv[2];
    if (kind !== 'demo' && kind !== 'real' && kind !== 'public') {
        console.error('usage: node TEST.mjs demo|real|public');
        process.exit(2);
    }
    return kind;
}

export function fileUrl(path) {
    return pathToFileURL(path).href;
}

// Open or close every <details> of the page.
export async function setDetails(page, open) {
    await page.evaluate((o) => {
        for (const d of document.querySelectorAll('details'))
            d.open = o;
    }, open);
}

// axe-core's violations of AXE_TAGS on the page as it is now, or only in
// the elements that CSS selector `only` matches.
export async function axeViolations(page, axeSource, only) {
    const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!injected)
        await page.addScriptTag({ content: axeSource });
    return page.evaluate(async ([tags, sel]) => {
        const r = await window.axe.run(sel ? { include: [[sel]] } : document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
        });
        return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
            count: v.nodes.length,
        }));
    }, [AXE_TAGS, only || null]);
}

export function describeViolations(vs) {
    return vs.map((v) => `${v.id} (${v.impact}, ${v.count} nodes): ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target}: ${(n.summary || '').replace(/\s+/g, ' ')}`).join('\n'))
        .join('\n  ');
}

// Every SVG <text> whose size on screen is under `min` px: computed font size
// times the figure's scale (its drawn width over its viewBox width).
export async function smallSvgText(page, min) {
    return page.evaluate((m) => {
        const small = [];
        for (const svg of document.querySelectorAll('svg')) {
            const vb = svg.viewBox && svg.viewBox.baseVal;
            const drawn = svg.getBoundingClientRect().width;
            if (!vb || !vb.width || !drawn)
                continue; /* hidden (a closed <details>) or no viewBox */
            const scale = drawn / vb.width;
            for (const t of svg.querySelectorAll('text')) {
                const px = parseFloat(getComputedStyle(t).fontSize) * scale;
                if (px < m - 0.01)
                    small.push({ figure: svg.id || svg.getAttribute('aria-labelledby'),
                        text: t.textContent.slice(0, 40), px: Math.round(px * 100) / 100 });
            }
        }
        return small;
    }, min);
}
