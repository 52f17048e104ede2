# make_fixtures.R - reference values for the difference in differences of
# a problem-solving project (docs/statistics.md, "Difference in
# differences for a project"), computed with base R's lm() and confint()
# and qt(), independently of lib/assess/project_did.c.
#
#   Rscript tests/data/projects/make_fixtures.R > tests/data/projects/did.txt
#
# Each case: a project series, candidate series (with an eligible flag),
# the first post month `start` (0-based) and k. The comparison wards are
# the k eligible candidates with a positive pre-period mean nearest the
# project area (Euclidean distance of the series divided by their own
# pre-period means, ties by position); their pooled counts are scaled to
# the project area's pre-period mean; the estimate is the coefficient of
# the post indicator in lm(d ~ post) with d = project - comparison.
set.seed(20261202)
cat(sprintf("# R %s.%s, stats::lm, stats::confint, stats::qt; make_fixtures.R\n",
            R.version$major, R.version$minor))
f17 <- function(x) paste(sprintf("%.17g", x), collapse = ",")

qts <- list(c(0.975, 1), c(0.975, 2), c(0.975, 5), c(0.975, 10), c(0.975, 22),
            c(0.975, 58), c(0.975, 200), c(0.025, 7), c(0.9, 3.5), c(0.999, 4),
            c(0.6, 30), c(0.975, 1e5))
for (q in qts)
  cat(sprintf("qt,%s,%s,%s\n", f17(q[1]), f17(q[2]), f17(qt(q[1], q[2]))))

one_case <- function(name, y, X, elig, start, k) {
  T <- length(y)
  pre <- seq_len(start)
  ybar <- mean(y[pre])
  ok <- which(elig & apply(X, 1, function(x) mean(x[pre]) > 0))
  dist <- sapply(ok, function(j) {
    x <- X[j, ]
    sqrt(sum((x[pre] / mean(x[pre]) - y[pre] / ybar)^2))
  })
  ord <- ok[order(dist, ok)]
  chosen <- ord[seq_len(min(k, length(ord)))]
  pooled <- colSums(X[chosen, , drop = FALSE])
  scale <- ybar / mean(pooled[pre])
  comp <- pooled * scale
  d <- y - comp
  post <- as.numeric(seq_len(T) > start)
  fit <- lm(d ~ post)
  est <- unname(coef(fit)["post"])
  se <- unname(summary(fit)$coefficients["post", "Std. Error"])
  ci <- unname(confint(fit, "post", level = 0.95))
  cat(sprintf("case,%s\n", name))
  cat(sprintf("T,%d\nstart,%d\nk,%d\n", T, start, k))
  cat(sprintf("project,%s\n", f17(y)))
  for (j in seq_len(nrow(X)))
    cat(sprintf("cand,%d,%s\n", as.integer(elig[j]), f17(X[j, ])))
  cat(sprintf("chosen,%s\n", paste(chosen - 1, collapse = ",")))
  cat(sprintf("expect,%s\n", f17(c(est, se, ci[1], ci[2], scale, fit$df.residual))))
  cat("end\n")
}

# 1: a clear fall after the start, 24 months (18 before), 12 candidates.
T <- 24; S <- 18
base <- 20 + 3 * sin(seq_len(T) / 2)
y <- rpois(T, base * 2); y[(S + 1):T] <- rpois(T - S, base[(S + 1):T] * 1.4)
X <- t(sapply(1:12, function(j) rpois(T, base * runif(1, 0.3, 2))))
elig <- rep(TRUE, 12); elig[c(2, 7)] <- FALSE
one_case("fall", y, X, elig, S, 5)

# 2: no change, 36 months (30 before), k larger than the usable candidates,
# one candidate with nothing before the start.
T <- 36; S <- 30
y <- rpois(T, 12)
X <- t(sapply(1:4, function(j) rpois(T, runif(1, 4, 20))))
X[3, 1:S] <- 0
one_case("none", y, X, c(TRUE, TRUE, TRUE, TRUE), S, 8)

# 3: the shortest case allowed: 6 months before, 1 from the start.
T <- 7; S <- 6
y <- c(5, 7, 6, 8, 4, 6, 2)
X <- rbind(c(3, 4, 3, 5, 2, 3, 3), c(10, 14, 12, 16, 8, 12, 13), c(1, 0, 2, 1, 1, 0, 1),
           c(6, 6, 6, 6, 6, 6, 6))
one_case("short", y, X, c(TRUE, TRUE, TRUE, FALSE), S, 2)

# 4: ties in distance: candidates that are multiples of each other.
T <- 15; S <- 9
y <- c(4, 6, 5, 7, 3, 5, 6, 4, 5, 9, 8, 10, 9, 11, 10)
X <- rbind(2 * y, y, 3 * y, c(rep(1, 9), rep(2, 6)) * 5)
one_case("ties", y, X, rep(TRUE, 4), S, 2)
