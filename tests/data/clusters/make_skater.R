# make_skater.R: the reference figures of tests/cli/t7110-clusters-maidstone.sh.
#
#   Rscript make_skater.R WARDS.geojson ATTR.csv DIR > skater_maidstone.csv
#
# WARDS.geojson: the shared data's Maidstone wards (2019); ATTR.csv: what
# maidstone_attributes.sh writes from the assessment of the shared data;
# DIR/kK.csv: `safer clusters --standardise --clusters K --max-size M` on it
# for each row below (the test writes them; run it with SAFER_KEEP=DIR).
#
# For each K it prints spdep::skater's clusters (a heuristic: it cuts a
# minimum spanning tree of the queen neighbours, weighted by the attribute
# distance, into K pieces) and safer's:
#   - K = 7 and 8 with at most 4 wards a cluster: skater(crit = c(1, 4))
#     makes no cut at all (each cut must leave both parts within the limit,
#     and 26 wards do not split into two parts of 4), so only safer's cost
#     is given, computed here;
#   - K = 14, 15, 20 with no maximum for skater (crit = 1): its cost and its
#     largest cluster, which safer is then given as --max-size, so that
#     skater's clusters are a solution of safer's problem and safer's cost
#     must be no more.
# safer_valid says whether each of safer's clusters is connected under
# spdep::poly2nb(queen = TRUE) and within the size. Cost: the sum over
# clusters of the squared Euclidean distances of the wards' z-scores
# (population sd, divisor n) from their cluster's mean.
suppressPackageStartupMessages({ library(sf); library(spdep) })
sf_use_s2(FALSE)
args <- commandArgs(trailingOnly = TRUE)
wards <- st_read(args[1], quiet = TRUE)
attr <- read.csv(args[2], check.names = FALSE)
wards <- wards[match(attr[[1]], wards$WD19CD), ]
stopifnot(!anyNA(wards$WD19CD))
nb <- poly2nb(wards, queen = TRUE)
x <- as.matrix(attr[, -1])
n <- nrow(x)
z <- sweep(x, 2, colMeans(x))
z <- sweep(z, 2, sqrt(colSums(z^2) / n), "/")
cost <- function(g) sum(sapply(unique(g), function(k) {
    m <- z[g == k, , drop = FALSE]
    sum(sweep(m, 2, colMeans(m))^2)
}))
connected <- function(members) {
    seen <- members[1]
    repeat {
        more <- setdiff(intersect(unlist(nb[seen]), members), seen)
        if (!length(more)) break
        seen <- c(seen, more)
    }
    length(seen) == length(members)
}
lw <- nb2listw(nb, nbcosts(nb, z), style = "B")
tree <- mstree(lw, ini = 1)
cat("k,max_size,skater_clusters,skater_largest,skater_cost,safer_cost,safer_valid\n")
for (K in c(7, 8, 14, 15, 20)) {
    s <- skater(tree[, 1:2], z, ncuts = K - 1, crit = if (K <= 8) c(1, 4) else 1)
    made <- length(unique(s$groups))
    largest <- max(table(s$groups))
    M <- if (K <= 8) 4 else largest
    ours <- read.csv(file.path(args[3], sprintf("k%d.csv", K)))
    stopifnot(identical(ours$area_code, attr[[1]]))
    g <- ours$cluster
    valid <- length(unique(g)) == K &&
        all(sapply(unique(g), function(k) sum(g == k) <= M && connected(which(g == k))))
    cat(sprintf("%d,%d,%d,%d,%s,%.17g,%s\n", K, M, made, largest,
                if (made == K) sprintf("%.17g", cost(s$groups)) else "",
                cost(g), if (valid) "yes" else "no"))
}
