#!/usr/bin/env python3
# make_poisson_ci.py - reference values for the exact Poisson confidence
# interval (R: poisson.test(k, conf.level = conf)$conf.int), written next
# to this script as poisson_ci.csv. R is not needed: the interval is
# computed from its definition, the Poisson distribution function, in
# 80-digit arithmetic (Python mpmath), so it checks R's qgamma route and
# ours alike.
#
# For a count k and level conf, with a = (1 - conf) / 2:
#   lower: the mean mu at which P(X >= k; mu) = a   (0 when k = 0)
#   upper: the mean mu at which P(X <= k; mu) = a
# P(X <= k; mu) = exp(-mu) * sum_{j=0..k} mu^j / j!, summed term by term.
# Each root is found by bisection between brackets where the function has
# opposite signs, until the bracket is narrower than 1e-40 relative, far
# below the 17 digits written. R gives the same numbers, as
# qgamma(a, k) and qgamma(1 - a, k + 1), i.e. qchisq(a, 2k) / 2 and
# qchisq(1 - a, 2k + 2) / 2; for k = 0 the upper bound is -log(a)
# (3.6888794541139363 at 95%), for k = 1 the lower bound is -log(1 - a)
# (0.025317807984289876 at 95%), which the C tests also check in closed
# form.
#
# Run: python3 tests/data/poisson/make_poisson_ci.py (mpmath 1.3.0). The
# output is deterministic.
import os
from mpmath import mp, mpf, exp

mp.dps = 80


def cdf(k, mu):
    """P(X <= k; mu), the exact finite sum."""
    term = mpf(1)
    s = mpf(1)
    for j in range(1, k + 1):
        term = term * mu / j
        s += term
    return exp(-mu) * s


def bisect(f, lo, hi):
    """The root of f, which changes sign between lo and hi."""
    flo = f(lo)
    while hi - lo > mpf(10) ** -40 * hi:
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm < 0) == (flo < 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def interval(k, conf):
    a = (1 - mpf(conf)) / 2
    # P(X >= k; mu) = 1 - P(X <= k - 1; mu) rises with mu from 0 (mu = 0)
    # to at least 1/2 (mu = k, where the median is k).
    lower = mpf(0) if k == 0 else bisect(lambda mu: (1 - cdf(k - 1, mu)) - a, mpf(0), mpf(k))
    # P(X <= k; mu) falls with mu from at least 1/2 (mu = k) towards 0.
    hi = mpf(k) + 10
    while cdf(k, hi) > a:
        hi = hi * 2
    upper = bisect(lambda mu: cdf(k, mu) - a, mpf(k), hi)
    return lower, upper


def g17(x):
    return '%.17g' % float(x)


KS = list(range(0, 41)) + [45, 50, 60, 75, 99, 100, 101, 150, 200, 250, 500, 999, 1000,
                           1688, 2462, 5000, 10000]
CONFS = ['0.95', '0.9', '0.99']

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'poisson_ci.csv'), 'w') as out:
    out.write('k,conf,lower,upper\n')
    for conf in CONFS:
        for k in (KS if conf == '0.95' else [0, 1, 2, 5, 10, 37, 100, 1000]):
            lo, up = interval(k, conf)
            out.write('%d,%s,%s,%s\n' % (k, conf, g17(lo), g17(up)))
