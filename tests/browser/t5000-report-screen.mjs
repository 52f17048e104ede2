// The report on screen, as a reader meets it on a laptop (1366 px) and a
// phone (390 px), with the collapsible sections closed and open:
// - axe-core finds no violation of the WCAG 2.2 A and AA rules;
// - the page never scrolls sideways; a wide table scrolls inside its own
//   box, which is focusable and named (role="region", aria-label);
// - every SVG text is drawn at 11 px or more (font size times the scale the
//   figure is shown at), maps included, and one copy of each figure shows;
// - every figure has a text alternative that states figures, not only its kind.
// Usage: node t5000-report-screen.mjs demo|real|public (ctest runs all three;
// public is the real report's public edition).
// With SAFER_SCREENSHOTS=DIR, the first screen at each width goes to DIR.
import { join } from 'node:path';
import * as T from './lib.mjs';

const kind = T.reportKind();
const { chromium, axeSource } = await T.load();
const dir = T.tempDir();
const report = T.makeReport(kind, dir);
const context = await T.launch(chromium, dir);
const page = await context.newPage();
await page.goto(T.fileUrl(join(report.out, 'index.html')));

for (const viewport of [T.DESKTOP, T.PHONE]) {
    await page.setViewportSize(viewport);
    const at = `${kind} report at ${viewport.width} px`;
    if (process.env.SAFER_SCREENSHOTS)
        await page.screenshot({ path: join(process.env.SAFER_SCREENSHOTS, `${kind}-${viewport.width}.png`) });
    for (const open of [true, false]) {
        await T.setDetails(page, open);
        const state = `${at}, sections ${open ? 'open' : 'closed'}`;

        // Open, everything is shown; closed differs only in the <details>
        // themselves, so that is all axe needs to look at again.
        const violations = await T.axeViolations(page, axeSource, open ? null : 'details');
        T.check(violations.length === 0, `${state}: axe found\n  ${T.describeViolations(violations)}`);

        const page_ = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
        }));
        T.check(page_.scrollWidth <= page_.innerWidth,
            `${state}: the page is ${page_.scrollWidth} px wide in a ${page_.innerWidth} px window`);

        const tables = await page.evaluate(() => [...document.querySelectorAll('table')].map((t) => {
            const box = t.parentElement;
            const r = box.getBoundingClientRect();
            return {
                caption: t.caption ? t.caption.textContent : '',
                wrapped: box.classList.contains('table-wrap') && box.getAttribute('role') === 'region' &&
                    box.getAttribute('tabindex') === '0' && !!box.getAttribute('aria-label'),
                scrolls: getComputedStyle(box).overflowX === 'auto',
                right: r.right,
                hidden: r.width === 0,
            };
        }));
        for (const t of tables) {
            T.check(t.wrapped && t.scrolls, `${state}: table '${t.caption}' is not in a named scrolling box`);
            T.check(t.hidden || t.right <= page_.innerWidth,
                `${state}: table '${t.caption}' reaches ${t.right} px`);
        }

        const small = await T.smallSvgText(page, T.MIN_SVG_TEXT_PX);
        T.check(small.length === 0, `${state}: ${small.length} SVG texts under ${T.MIN_SVG_TEXT_PX} px, ` +
            `e.g. ${JSON.stringify(small.slice(0, 3))}`);
    }

    // One copy of each figure is shown, whole, with a text alternative that
    // says what it shows (a figure with data names at least one number).
    // Small multiples are one copy of several panels, each its own <svg>,
    // which the page lays out: all of them show.
    const figures = await page.evaluate(() => [...document.querySelectorAll('figure')].map((f) => {
        const shown = [...f.querySelectorAll('svg')].filter((s) => s.getBoundingClientRect().width > 0);
        const all = f.querySelectorAll('svg').length;
        return { multiples: !!f.querySelector('.multiples'), all, shown: shown.map((s) => {
            const desc = s.querySelector('desc');
            return {
                title: s.querySelector('title').textContent,
                desc: desc ? desc.textContent : '',
                placeholder: !!s.querySelector('.safer-placeholder'),
                width: s.getBoundingClientRect().width,
                natural: s.viewBox.baseVal.width,
            };
        }) };
    }));
    T.check(figures.length >= 6, `${at}: ${figures.length} figures`);
    for (const fig of figures) {
        const shown = fig.shown;
        if (fig.multiples) {
            if (!T.check(shown.length === fig.all, `${at}: small multiples show ${shown.length} of ${fig.all} panels`))
                continue;
        } else if (!T.check(shown.length === 1, `${at}: a figure shows ${shown.length} copies`)) {
            continue;
        }
        for (const f of shown) {
            T.check(Math.abs(f.width - f.natural) < 0.5,
                `${at}: '${f.title}' is shown at ${f.width} px, not its own ${f.natural} px`);
            T.check(f.placeholder || /\d/.test(f.desc), `${at}: '${f.title}' describes no figure: '${f.desc}'`);
        }
    }
}

await context.close();
T.doneTesting();
