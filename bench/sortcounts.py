#!/usr/bin/env python3
"""Print a result CSV as sorted tab-separated lines, for cmp/diff.

Usage: sortcounts.py FILE.csv          counts_ward_type_month.csv
       sortcounts.py FILE.csv NCOLS    any CSV: its first NCOLS columns

The first form reads ward_code, crime_type, month, count (header first,
any quoting), drops rows with no ward or a zero count and prints
"ward<TAB>type<TAB>month<TAB>count". The second prints the first NCOLS
fields of every data row. Lines come out sorted, so that files from
safer, PostGIS and R can be compared byte for byte.
"""
import csv
import sys

rows = []
ncols = int(sys.argv[2]) if len(sys.argv) > 2 else 0
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    r = csv.reader(f)
    next(r)
    for rec in r:
        if ncols:
            rows.append(tuple(rec[:ncols]))
            continue
        ward, ctype, month, count = rec[:4]
        if ward and int(count) > 0:
            rows.append((ward, ctype, month, str(int(count))))
rows.sort()
for rec in rows:
    sys.stdout.write("\t".join(rec) + "\n")
