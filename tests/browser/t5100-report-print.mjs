// The report printed on A4, with no script and nothing clicked:
// - every collapsible section prints open (the file list with its checksums
//   is the audit trail);
// - headings are kept with what follows them (break-after: avoid);
// - an empty "no change to show" box is not printed: its message is, as text;
// - figures print at their A4 width (the wide copy), never the phone copy;
//   small multiples print every panel at its own width, two across;
// - page.pdf() gives an A4 PDF whose text (pdftotext) holds every input file
//   and a running footer: the area, the period and "Page n of m".
// Usage: node t5100-report-print.mjs demo|real|public (ctest runs all three;
// public is the real report's public edition).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from './lib.mjs';

const PDFTOTEXT = '/usr/bin/pdftotext';
const kind = T.reportKind();
const { chromium } = await T.load();
if (!existsSync(PDFTOTEXT))
    T.skip(`no ${PDFTOTEXT} (apt-get install poppler-utils)`);
const dir = T.tempDir();
const report = T.makeReport(kind, dir);
const context = await T.launch(chromium, dir);
const page = await context.newPage();
await page.goto(T.fileUrl(join(report.out, 'index.html')));
await page.emulateMedia({ media: 'print' });

const printed = await page.evaluate(() => {
    // checkVisibility() is false inside a closed <details>, whose content
    // Chromium lays out but does not paint (content-visibility: hidden).
    const shown = (e) => e.checkVisibility() && e.getBoundingClientRect().height > 0;
    return {
        details: [...document.querySelectorAll('details')].map((d) => ({
            summary: d.querySelector('summary').textContent,
            open: [...d.children].filter((c) => c.tagName !== 'SUMMARY').every(shown),
        })),
        headings: [...document.querySelectorAll('main h2, main h3')].map((h) => ({
            text: h.textContent, breakAfter: getComputedStyle(h).breakAfter,
        })),
        placeholders: [...document.querySelectorAll('svg')]
            .filter((s) => s.querySelector('.safer-placeholder')).filter(shown).length,
        messages: [...document.querySelectorAll('figure .print-only')].map((p) => p.textContent)
            .filter((t) => t.length > 0),
        emptyFigures: [...document.querySelectorAll('figure')]
            .filter((f) => [...f.querySelectorAll('svg')].some((s) => s.querySelector('.safer-placeholder'))).length,
        figureWidths: [...document.querySelectorAll('svg')].filter(shown)
            .filter((s) => !s.closest('figure:has(.multiples)'))
            .map((s) => s.getAttribute('width')),
        // Small multiples: every panel and the key, each at its own width,
        // two panels side by side within the A4 text width.
        multiples: [...document.querySelectorAll('figure:has(.multiples)')].map((f) => ({
            shown: [...f.querySelectorAll('svg')].filter(shown).length,
            all: f.querySelectorAll('svg').length,
            natural: [...f.querySelectorAll('svg')].every((s) =>
                Math.abs(s.getBoundingClientRect().width - s.viewBox.baseVal.width) < 0.5),
            across: new Set([...f.querySelectorAll('.multiples svg')]
                .map((s) => Math.round(s.getBoundingClientRect().top))).size <
                f.querySelectorAll('.multiples svg').length,
            right: Math.max(...[...f.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().right)) -
                f.getBoundingClientRect().left,
        })),
    };
});
T.check(printed.details.length > 0, `${kind}: no <details> in the page`);
for (const d of printed.details)
    T.check(d.open, `${kind}: '${d.summary}' is not printed open`);
for (const h of printed.headings)
    T.check(h.breakAfter === 'avoid', `${kind}: heading '${h.text}' may be left at the foot of a page`);
T.check(printed.placeholders === 0, `${kind}: ${printed.placeholders} empty boxes are printed`);
T.check(printed.messages.length === printed.emptyFigures,
    `${kind}: ${printed.emptyFigures} empty figures but ${printed.messages.length} printed messages`);
T.check(printed.figureWidths.every((w) => w === '680'),
    `${kind}: printed figures' widths ${printed.figureWidths.join(' ')}, not all 680`);
for (const m of printed.multiples) {
    T.check(m.shown === m.all && m.natural,
        `${kind}: small multiples print ${m.shown} of ${m.all} panels, or not at their own size`);
    T.check(m.across && m.right <= 680.5,
        `${kind}: small multiples are not printed two across within 680 px (right edge ${m.right})`);
}

const pdfPath = join(dir, 'report.pdf');
writeFileSync(pdfPath, await page.pdf({ format: 'A4' }));
await context.close();

const text = execFileSync(PDFTOTEXT, [pdfPath, '-'], { maxBuffer: 64 << 20 }).toString();
// pdftotext joins a word broken at a hyphen at the end of a line without its
// hyphen, and a table cell may be broken anywhere: compare without either.
const flat = (s) => s.replace(/[\s\u00ad-]+/g, '');
const all = flat(text);
T.check(report.files.length > 0, `${kind}: no input files found`);
const missing = report.files.filter((f) => !all.includes(flat(f)));
T.check(missing.length === 0, `${kind}: the PDF does not list ${missing.length} input files: ${missing.slice(0, 5).join(', ')}`);
const pages = text.split('\f').filter((p) => p.trim().length > 0);
T.check(pages.length > 1, `${kind}: the PDF has ${pages.length} pages`);
pages.forEach((p, i) => {
    T.check(p.includes(`Page ${i + 1} of ${pages.length}`), `${kind}: page ${i + 1} has no 'Page ${i + 1} of ${pages.length}'`);
    T.check(p.includes(report.area) && /12 months to [A-Z][a-z]+ \d{4}/.test(p),
        `${kind}: page ${i + 1} has no footer naming ${report.area} and the period`);
});
// A4 is 595 x 842 points.
const info = execFileSync('/usr/bin/pdfinfo', [pdfPath]).toString();
T.check(/Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.\d* x 842/.test(info),
    `${kind}: the PDF is not A4: ${info.match(/Page size:.*/)}`);

T.doneTesting();
