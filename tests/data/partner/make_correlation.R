# Reference correlations for tests/unit/test_partner.c, made with R's own
# cor() (Pearson) and cor(method = "spearman") (ties get their mean rank).
# Run from this folder: Rscript make_correlation.R > correlation.csv
set.seed(1831)
cases <- list(
  list(x = c(1, 2, 3, 4, 5), y = c(2, 4, 5, 4, 5)),
  list(x = c(78, 28, 43), y = c(46, 17, 28)),
  list(x = c(10, 3, 7, 1, 8, 6, 2), y = c(9, 1, 8, 2, 5, 7, 3))
)
for (k in 1:6) {
  n <- c(4, 10, 26, 26, 60, 200)[k]
  x <- rpois(n, 20 + 10 * k)
  y <- rpois(n, 0.25 * x + 1)  # ties are common among small counts
  cases[[length(cases) + 1]] <- list(x = x, y = y)
}
cat("n,x,y,pearson,spearman\n")
for (cs in cases) {
  cat(sprintf("%d,%s,%s,%.17g,%.17g\n", length(cs$x), paste(cs$x, collapse = " "),
              paste(cs$y, collapse = " "), cor(cs$x, cs$y),
              cor(cs$x, cs$y, method = "spearman")))
}
