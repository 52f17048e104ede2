# The classes of docs/statistics.md (Hot spots over time), written out
# again for the CLI tests: read hotspot_persistence.csv twice (awk -F, -f
# this FILE FILE); the first pass finds the periods without a score (every
# square "no_score"), the second classes each square over the others and
# counts the rows whose class or hot_periods differ. Prints "bad N scored S".
FNR == 1 { P = (NF - 6) / 2; pass++; next }
pass == 1 {
    for (p = 1; p <= P; p++) if ($(6 + 2 * p) != "no_score") scored[p] = 1
    next
}
{
    m = 0; for (p = 1; p <= P; p++) if (scored[p]) s[++m] = p
    R = int(m / 5); if (R < 1) R = 1
    h = 0; old = 0; rec = 0; all = 0
    for (q = 1; q <= m; q++) {
        c = $(6 + 2 * s[q])
        if (c == "hot95" || c == "hot99") { h++; if (q <= m - R) old++; else rec++ }
    }
    for (p = 1; p <= P; p++) { c = $(6 + 2 * p); if (c == "hot95" || c == "hot99") all++ }
    if (m < 2) k = "never"
    else if (5 * h >= 4 * m) k = "persistent"
    else if (old == 0 && rec >= 1) k = "emerging"
    else if (old >= 1 && rec == 0) k = "former"
    else if (h >= 1) k = "intermittent"
    else k = "never"
    if (k != $5 || all != $6) bad++
}
END { print "bad " bad + 0 " scored " m + 0 }
