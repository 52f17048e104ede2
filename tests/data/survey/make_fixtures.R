#!/usr/bin/env Rscript
#
# make_fixtures.R - reference values for tests/unit/test_survey.c.
#
# Writes, next to this script, a small fictional survey (respondents.csv:
# an age x sex cell, a ward and two yes/no questions with answers left out
# of the base as NA), its population margins (margins.csv) and what R's
# survey package computes from them for a design raked to both margins with
# calibrate(..., calfun = "raking"): each respondent's weight (weights.csv),
# and the weighted proportion answering yes with its linearisation standard
# error and 95% interval (confint), overall (svymean, na.rm = TRUE) and by ward (svyby ... svymean,
# na.rm = TRUE), untrimmed and with the weights trimmed to [0.5, 2] times
# the mean weight (calibrate's `trim`), in estimates.csv; Kish's design
# effect of each set of weights in deff.csv. By ward cluster (the five
# wards in three clusters: {0, 3}, {1}, {2, 4}), each cluster a domain of
# the one raked design, svyby(~q, ~cluster, design, svymean, na.rm = TRUE)
# with each cluster's base, untrimmed, in estimates_clusters.csv
# (tests/unit/test_survey_clusters.c).
#
# Run from anywhere:  Rscript tests/data/survey/make_fixtures.R
# Needs the Debian packages r-base-core and r-cran-survey. The script is
# deterministic (fixed seed); rerunning it must leave the files unchanged
# unless R or survey changed, so review any diff.

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
self <- sub("^--file=", "", args[grep("^--file=", args)])
outdir <- if (length(self) == 1L) dirname(normalizePath(self)) else "."
out <- function(name) file.path(outdir, name)
num <- function(v) sprintf("%.17g", v)

set.seed(20261203)
n <- 400
ncell <- 8  # 4 age bands x 2 sexes
nward <- 5
# Over-sample older people and ward 0, as a postal survey would.
cell <- sample(0:(ncell - 1), n, replace = TRUE, prob = c(1, 1, 2, 2, 3, 3, 4, 4))
ward <- sample(0:(nward - 1), n, replace = TRUE, prob = c(3, 2, 2, 1.5, 1))
p1 <- plogis(-0.5 + 0.25 * (cell %/% 2) + 0.3 * ward)
q1 <- as.integer(runif(n) < p1)
q1[runif(n) < 0.08] <- NA  # "Don't know": out of the base
p2 <- plogis(1.5 - 0.2 * (cell %% 2) - 0.15 * ward)
q2 <- as.integer(runif(n) < p2)
q2[runif(n) < 0.03] <- NA
d <- data.frame(id = seq_len(n), cell = cell, ward = ward, q1 = q1, q2 = q2)
write.csv(d, out("respondents.csv"), row.names = FALSE, na = "")

pop_cell <- c(9100, 8800, 11800, 11500, 12400, 12900, 9800, 11700)
pop_ward_share <- c(0.22, 0.19, 0.21, 0.2, 0.18)
pop_ward <- pop_ward_share * sum(pop_cell)
m <- rbind(data.frame(margin = "cell", category = 0:(ncell - 1), population = num(pop_cell)),
           data.frame(margin = "ward", category = 0:(nward - 1), population = num(pop_ward)))
write.csv(m, out("margins.csv"), row.names = FALSE, quote = FALSE)

d$fcell <- factor(d$cell, levels = 0:(ncell - 1))
d$fward <- factor(d$ward, levels = 0:(nward - 1))
des0 <- svydesign(ids = ~1, data = d, weights = ~rep(1, n))
N <- sum(pop_cell)
totals <- c(N, pop_cell[-1], pop_ward[-1])

rows <- list()
deffs <- list()
wts <- data.frame(id = d$id)
for (trim in c("none", "0.5:2")) {
    tr <- if (trim == "none") NULL else c(0.5, 2) * N / n
    des <- suppressMessages(calibrate(des0, ~fcell + fward, population = totals,
                                      calfun = "raking", epsilon = 1e-14, maxit = 500,
                                      trim = tr, force = !is.null(tr)))
    w <- weights(des)
    wts[[paste0("w_", sub(":", "_", trim))]] <- num(w)
    deffs[[trim]] <- data.frame(trim = trim, deff = num(n * sum(w^2) / sum(w)^2))
    for (q in c("q1", "q2")) {
        f <- as.formula(paste0("~", q))
        e <- svymean(f, des, na.rm = TRUE)
        ci <- confint(e)
        rows[[length(rows) + 1]] <- data.frame(trim = trim, question = q, ward = -1,
                                               mean = num(coef(e)), se = num(SE(e)),
                                               lower = num(ci[, 1]), upper = num(ci[, 2]))
        b <- svyby(f, ~ward, des, svymean, na.rm = TRUE)
        ci <- confint(b)
        rows[[length(rows) + 1]] <- data.frame(trim = trim, question = q, ward = b$ward,
                                               mean = num(b[[q]]), se = num(SE(b)),
                                               lower = num(ci[, 1]), upper = num(ci[, 2]))
    }
}
# Ward clusters: domains of the untrimmed raked design (svyby), not a
# separate raking of each cluster.
cluster_of_ward <- c(0, 1, 2, 0, 2)
d$cluster <- cluster_of_ward[d$ward + 1]
des0c <- svydesign(ids = ~1, data = d, weights = ~rep(1, n))
desc <- suppressMessages(calibrate(des0c, ~fcell + fward, population = totals,
                                   calfun = "raking", epsilon = 1e-14, maxit = 500))
crows <- list()
for (q in c("q1", "q2")) {
    f <- as.formula(paste0("~", q))
    b <- svyby(f, ~cluster, desc, svymean, na.rm = TRUE)
    ci <- confint(b)
    base <- as.vector(table(factor(d$cluster[!is.na(d[[q]])], levels = 0:2)))
    crows[[length(crows) + 1]] <- data.frame(question = q, cluster = b$cluster, base = base,
                                             mean = num(b[[q]]), se = num(SE(b)),
                                             lower = num(ci[, 1]), upper = num(ci[, 2]))
}
write.csv(do.call(rbind, crows), out("estimates_clusters.csv"), row.names = FALSE,
          quote = FALSE)

names(wts) <- c("id", "w_none", "w_trim")
write.csv(wts, out("weights.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows), out("estimates.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, deffs), out("deff.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), out("VERSIONS.txt"))
