#!/usr/bin/env Rscript
#
# make_fixtures.R - reference values for tests/unit/test_stats.c.
#
# Writes, next to this script, the inputs (a study grid of cell counts, a
# constant grid, a small GeoJSON of polygons) and what R and spdep compute
# from them: normal p-values (pnorm), Gi* z-scores (spdep::localG with self-included binary queen
# weights), Benjamini-Hochberg adjustments (p.adjust), exact binomial tests
# (binom.test with p = 0.5), queen contiguity (spdep::poly2nb) and Moran's I
# tests (spdep::moran.test, randomisation, alternative "greater", styles W
# and B, zero.policy = TRUE). Numbers are written with 17 significant digits
# so that the C tests can compare to 1e-9 and still see the true agreement.
#
# Run from anywhere:  Rscript tests/data/spdep/make_fixtures.R
# Needs the Debian packages r-base-core, r-cran-spdep and r-cran-sf.
# The script is deterministic (fixed seed); rerunning it must leave the CSV
# files unchanged unless R or spdep changed, so review any diff.

suppressPackageStartupMessages({
    library(spdep)
    library(sf)
})

args <- commandArgs(trailingOnly = FALSE)
self <- sub("^--file=", "", args[grep("^--file=", args)])
outdir <- if (length(self) == 1L) dirname(normalizePath(self)) else "."
out <- function(name) file.path(outdir, name)

num <- function(v) {
    s <- sprintf("%.17g", v)
    s[is.na(v) & !is.nan(v)] <- "NA"
    s[is.nan(v)] <- "NaN"
    s
}

writeLines(c(
    sprintf("# %s", R.version.string),
    sprintf("# spdep %s, sf %s", packageVersion("spdep"), packageVersion("sf"))),
    out("VERSIONS.txt"))

## ---------------------------------------------------------------------------
## 1. binom.test(x, n, 0.5)$p.value for small and large n.
cases <- NULL
for (n in 1:30)
    for (x in 0:n)
        cases <- rbind(cases, c(x, n))
for (n in c(31, 100, 101, 999, 1000, 4321, 10000, 99999, 100000, 654321,
            999999, 1000000)) {
    m <- n / 2
    sd <- sqrt(n) / 2
    xs <- c(0, 1, 2, 5, floor(m) - 1, floor(m), ceiling(m), ceiling(m) + 1,
            round(m - sd * c(0.5, 1, 2, 3, 4, 6, 8, 10, 20, 37)),
            round(m + sd * c(0.5, 1, 3, 8)), n - 3, n - 1, n)
    xs <- sort(unique(xs[xs >= 0 & xs <= n]))
    for (x in xs)
        cases <- rbind(cases, c(x, n))
}
pv <- apply(cases, 1, function(r) binom.test(r[1], r[2], 0.5)$p.value)
writeLines(c("x,n,p_value",
             sprintf("%d,%d,%s", as.integer(cases[, 1]), as.integer(cases[, 2]), num(pv))),
           out("binom.csv"))

## 2. Normal p-values: 2 * pnorm(abs(z), lower.tail = FALSE) and
## pnorm(z, lower.tail = FALSE), out to the tails.
zs <- c(0, 1e-300, 1e-8, 0.1, -0.5, 1, 1.2815515655446004, 1.6448536269514722,
        1.959963984540054, -1.959963984540054, 2.5758293035489004, 3, -4.5, 6,
        8.25, 10, -12, 20, 26.5, 30, 37, -37.5, 38, 38.5, 40, Inf, -Inf)
writeLines(c("z,two_sided,upper",
             sprintf("%s,%s,%s", num(zs), num(2 * pnorm(abs(zs), lower.tail = FALSE)),
                     num(pnorm(zs, lower.tail = FALSE)))),
           out("pnorm.csv"))

## ---------------------------------------------------------------------------
## 3. p.adjust(p, "BH"): a hand-made set with ties, ones, zeros and NA, and
## a random set of 250 values spanning many orders of magnitude.
set.seed(20240501)
p1 <- c(0.01, 0.04, 0.04, NA, 0.5, 1, 0, 0.03, 0.2, NA, 0.04, 0.011, 1e-10, 0.9)
p2 <- c(runif(150), 10^-runif(80, 0, 12), rep(0.05, 10), runif(10, 0.9, 1))
p3 <- c(NA, NA, NA)
p4 <- 0.3
rows <- character(0)
for (s in list(list(1, p1), list(2, p2), list(3, p3), list(4, p4))) {
    q <- p.adjust(s[[2]], "BH")
    rows <- c(rows, sprintf("%d,%s,%s", s[[1]], num(s[[2]]), num(q)))
}
writeLines(c("set,p,bh", rows), out("p_adjust.csv"))

## ---------------------------------------------------------------------------
## 4. Gi* on a study grid: a non-rectangular blob of cells with a notch, an
## isolated cell far away and a pair of cells touching only diagonally.
## Queen neighbours restricted to the study grid are the cells at distance
## <= 1.5 (1 or sqrt(2)); the check below shows this equals cell2nb(queen)
## on a full rectangle.
chk <- cell2nb(4, 5, type = "queen")
rc <- do.call(rbind, lapply(strsplit(attr(chk, "region.id"), ":"), as.numeric))
chk2 <- dnearneigh(rc, 0, 1.5)
stopifnot(all(mapply(identical, lapply(chk, as.integer), lapply(chk2, as.integer))))

grid <- expand.grid(ci = -4:9, cj = -3:8)
keep <- ((grid$ci - 2.5) / 7.5)^2 + ((grid$cj - 2.5) / 6.5)^2 <= 1 &
    !(grid$ci >= 5 & grid$cj %in% 1:2)
grid <- grid[keep, ]
grid <- rbind(grid, data.frame(ci = c(30L, 20L, 21L), cj = c(30L, 0L, 1L)))
set.seed(7)
grid <- grid[sample(nrow(grid)), ]          # no particular order
lambda <- 1.5 + 12 * exp(-((grid$ci - 0)^2 + (grid$cj - 5)^2) / 5) -
    1.4 * (grid$ci >= 6 & grid$cj <= 0)
grid$count <- rpois(nrow(grid), pmax(lambda, 0.05))
rownames(grid) <- NULL

gstar <- function(g) {
    nb <- dnearneigh(as.matrix(g[, c("ci", "cj")]), 0, 1.5)
    nbs <- include.self(nb)
    lw <- nb2listw(nbs, style = "B", zero.policy = TRUE)
    z <- as.numeric(suppressWarnings(localG(g$count, lw, zero.policy = TRUE)))
    list(z = z, w = card(nbs), nb = nb)
}
classify <- function(z, padj) {
    cls <- ifelse(is.na(z), "no_score",
           ifelse(padj < 0.01, "99", ifelse(padj < 0.05, "95",
           ifelse(padj < 0.10, "90", "none"))))
    hot <- !is.na(z) & cls %in% c("99", "95", "90")
    cls[hot] <- paste0(ifelse(z[hot] > 0, "hot", "cold"), cls[hot])
    cls
}
g <- gstar(grid)
p <- 2 * pnorm(abs(g$z), lower.tail = FALSE)
padj <- p.adjust(p, "BH")
writeLines(c("ci,cj,count", sprintf("%d,%d,%d", grid$ci, grid$cj, grid$count)),
           out("gistar_cells.csv"))
writeLines(c("ci,cj,z,neighbours,p,p_adj,class",
             sprintf("%d,%d,%s,%d,%s,%s,%s", grid$ci, grid$cj, num(g$z), g$w,
                     num(p), num(padj), classify(g$z, padj))),
           out("gistar_expected.csv"))

## The constant grid: 6 x 5 cells, all with count 4. localG divides 0 by 0.
cgrid <- expand.grid(ci = 0:5, cj = 0:4)
cgrid$count <- 4L
cg <- gstar(cgrid)
stopifnot(all(is.nan(cg$z)))
writeLines(c("ci,cj,count", sprintf("%d,%d,%d", cgrid$ci, cgrid$cj, cgrid$count)),
           out("gistar_constant_cells.csv"))
writeLines(c("ci,cj,z,neighbours",
             sprintf("%d,%d,%s,%d", cgrid$ci, cgrid$cj, num(cg$z), cg$w)),
           out("gistar_constant_expected.csv"))

## ---------------------------------------------------------------------------
## 5. Polygons. Coordinates are lon/lat degrees on a lattice of 1/256 degree
## (exactly representable), around Leeds; two polygons are moved by 1e-9 and
## 3e-8 degrees to sit inside and outside the snap distance. Layout in
## lattice units (x right, y up):
##   A [0,4]x[0,4]   B [4,8]x[0,4]   C [0,4]x[4,8]   O [4,8]x[4,8]
##   N [8,12]x[0,4]  D [8,12]x[4,8]
##   E [12,20]x[0,8] with a hole [14,18]x[2,6] (shell has a vertex at (12,4))
##   F [14,16]x[2,6] fills the left half of E's hole (touches E's hole ring)
##   G [16.5,17.5]x[3,5] sits in the hole touching nothing: an island
##   H MultiPolygon: [0,4]x[-4,0] below A, and [20,24]x[8,12] touching E at
##     the corner (20,8) only
##   J [20,24]x[1,3] lies along E's edge x = 20 but shares no vertex with E
##     (spdep compares vertices only, so J and E are not neighbours)
##   K [24,28]x[1,3] shares J's right edge
##   L [28,32]x[1,3] with its left edge moved right by 1e-9 degree: within
##     the snap distance of K
##   M [32,36]x[1,3] moved right by 3e-8 degree: outside the snap distance
##     of L, so M is an island
## Corner-only (queen, not rook) contacts: A-O and B-C at (4,4), B-D and
## N-O at (8,4), and H-E at (20,8).
X0 <- -1.5
Y0 <- 53.75
U <- 1 / 256
sq <- function(x0, x1, y0, y1, dx0 = 0, dx1 = 0)
    rbind(c(x0, y0), c(x1, y0), c(x1, y1), c(x0, y1), c(x0, y0)) +
        cbind(c(dx0, dx1, dx1, dx0, dx0) / U, 0)
cw <- function(r) r[nrow(r):1, ]
polys <- list(
    A = list(sq(0, 4, 0, 4)),
    B = list(sq(4, 8, 0, 4)),
    C = list(sq(0, 4, 4, 8)),
    O = list(sq(4, 8, 4, 8)),
    N = list(sq(8, 12, 0, 4)),
    D = list(sq(8, 12, 4, 8)),
    E = list(rbind(c(12, 0), c(20, 0), c(20, 8), c(12, 8), c(12, 4), c(12, 0)),
             cw(sq(14, 18, 2, 6))),
    F = list(sq(14, 16, 2, 6)),
    G = list(sq(16.5, 17.5, 3, 5)),
    H = list(list(sq(0, 4, -4, 0)), list(sq(20, 24, 8, 12))),
    J = list(sq(20, 24, 1, 3)),
    K = list(sq(24, 28, 1, 3)),
    L = list(sq(28, 32, 1, 3, dx0 = 1e-9, dx1 = 1e-9)),
    M = list(sq(32, 36, 1, 3, dx0 = 3e-8, dx1 = 3e-8)))
values <- c(A = 12.5, B = 7, C = 15.25, O = 9, N = 3.5, D = 4, E = 2,
            F = 6.75, G = 20, H = 11, J = 1, K = 0.5, L = 2.25, M = 8)
fmt_ring <- function(r) {
    pts <- sprintf("[%s, %s]", num(X0 + r[, 1] * U), num(Y0 + r[, 2] * U))
    paste0("[", paste(pts, collapse = ", "), "]")
}
fmt_poly <- function(rings) paste0("[", paste(sapply(rings, fmt_ring), collapse = ", "), "]")
feat <- character(0)
for (id in names(polys)) {
    p <- polys[[id]]
    if (is.list(p[[1]])) {
        type <- "MultiPolygon"
        coords <- paste0("[", paste(sapply(p, fmt_poly), collapse = ", "), "]")
    } else {
        type <- "Polygon"
        coords <- fmt_poly(p)
    }
    feat <- c(feat, sprintf(
        '{"type": "Feature", "properties": {"id": "%s", "value": %s},\n "geometry": {"type": "%s", "coordinates": %s}}',
        id, num(values[[id]]), type, coords))
}
gj <- out("polygons.geojson")
writeLines(c('{"type": "FeatureCollection", "features": [',
             paste(feat, collapse = ",\n"), "]}"), gj)

pl <- st_read(gj, quiet = TRUE)
stopifnot(identical(pl$id, names(polys)))
# The planar rule (what we implement): candidate pairs from bounding boxes
# widened by the snap distance, then the vertex test. With sf's s2 engine on
# (the default for lon/lat), poly2nb instead takes candidates from
# st_intersects() of the polygons themselves, which drops pairs that are
# only within the snap distance without touching (K-L here).
suppressMessages(sf_use_s2(FALSE))
nb <- poly2nb(pl, queen = TRUE)
suppressMessages(sf_use_s2(TRUE))
nb_s2 <- suppressMessages(poly2nb(pl, queen = TRUE))
cat("poly2nb planar vs s2 differ for areas:",
    which(!mapply(identical, unclass(nb), unclass(nb_s2))), "\n")
# Also with no snapping (exact coincidence) and a snap of 1e-7 degree, which
# joins L and M as well. Areas are numbered from 0 here.
suppressMessages(sf_use_s2(FALSE))
nb_rows <- character(0)
for (snap in c(sqrt(.Machine$double.eps), 0, 1e-7)) {
    nbx <- if (snap == sqrt(.Machine$double.eps)) nb else poly2nb(pl, queen = TRUE, snap = snap)
    nbl <- sapply(unclass(nbx), function(v) paste(v[v > 0] - 1L, collapse = " "))
    nb_rows <- c(nb_rows, sprintf("%s,%d,%s,%s", num(snap), seq_along(nbl) - 1L, pl$id, nbl))
}
suppressMessages(sf_use_s2(TRUE))
writeLines(c("snap,area,id,neighbours", nb_rows), out("poly2nb.csv"))

## ---------------------------------------------------------------------------
## 6. Moran's I: on the polygons (two islands) and on the study grid with
## queen neighbours without self (one island: the far cell).
moran_rows <- character(0)
mtest <- function(name, x, nbx) {
    for (style in c("W", "B")) {
        lw <- nb2listw(nbx, style = style, zero.policy = TRUE)
        mt <- moran.test(x, lw, randomisation = TRUE, alternative = "greater",
                         zero.policy = TRUE)
        moran_rows <<- c(moran_rows, sprintf("%s,%s,%s,%s,%s,%s,%s,%d,%d",
            name, style, num(mt$estimate[1]), num(mt$estimate[2]), num(mt$estimate[3]),
            num(mt$statistic), num(mt$p.value), sum(card(nbx) > 0), sum(card(nbx) == 0)))
    }
}
mtest("polygons", pl$value, nb)
mtest("grid", grid$count, g$nb)
writeLines(c("fixture,style,I,expectation,variance,z,p_value,n_used,islands", moran_rows),
           out("moran.csv"))
cat("fixtures written to", outdir, "\n")
