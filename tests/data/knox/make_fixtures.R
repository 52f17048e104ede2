# Reference values for tests/unit/test_knox.c from R's surveillance
# package (Debian r-cran-surveillance): knox() counts the pairs of events
# with time difference <= eps.t and distance <= eps.s and gives lambda,
# their expected number when times are unrelated to places:
# (pairs close in time) x (pairs close in space) / (all pairs), which is
# safer's exact_mean of the cell [0, eps.s] x [0, eps.t].
#
#   cd tests/data/knox && Rscript make_fixtures.R
#
# Writes surveillance_events.csv (id,x,y,t: whole metres and days, so
# that d <= eps.s is d < eps.s + 0.001 and dt <= eps.t is dt < eps.t + 1)
# and surveillance_knox.csv (eps_t,eps_s,close_pairs,lambda), and the
# versions used in VERSIONS.txt.
suppressPackageStartupMessages(library(surveillance))
set.seed(20261202)
n <- 400
cx <- runif(8, 0, 6000)
cy <- runif(8, 0, 6000)
k <- sample(8, n, replace = TRUE)
clustered <- runif(n) < 0.5
x <- ifelse(clustered, cx[k] + rnorm(n, 0, 150), runif(n, 0, 6000))
y <- ifelse(clustered, cy[k] + rnorm(n, 0, 150), runif(n, 0, 6000))
x <- round(x) + 570000
y <- round(y) + 150000
t <- sample(0:364, n, replace = TRUE)
# repeats: the same place, some on the same day
rep <- sample(n, 40)
x[rep[1:20]] <- x[rep[21:40]]
y[rep[1:20]] <- y[rep[21:40]]
t[rep[1:10]] <- t[rep[21:30]]
write.csv(data.frame(id = seq_len(n), x = x, y = y, t = t), "surveillance_events.csv",
          row.names = FALSE, quote = FALSE)
dt <- dist(t)
ds <- dist(cbind(x, y))
grid <- expand.grid(eps_t = c(0, 7, 14, 30, 90), eps_s = c(0, 100, 200, 500, 1000))
rows <- lapply(seq_len(nrow(grid)), function(i) {
  r <- knox(dt, ds, eps.t = grid$eps_t[i], eps.s = grid$eps_s[i], simulate.p.value = FALSE)
  data.frame(eps_t = grid$eps_t[i], eps_s = grid$eps_s[i],
             close_pairs = unname(r$statistic),
             lambda = sprintf("%.17g", unname(r$null.value)))
})
write.csv(do.call(rbind, rows), "surveillance_knox.csv", row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string,
             paste("surveillance", as.character(packageVersion("surveillance")))),
           "VERSIONS.txt")
