#!/usr/bin/env bash
# Generate a small synthetic sector with the real `compliance` program:
# N municipalities, each with its own Ed25519 statement key (keygen), a
# declaration derived from examples/medium-municipality.json (edited with
# python3) whose maturity is drawn so that the sector resembles the audit
# (about 40% with an ICT action plan, GOV-03; 30% a current risk analysis,
# GOV-04; 28% a continuity plan, BCM-01), and a signed statement (attest).
# The draw is deterministic (seed 7).
#
#   scripts/gen_sector.sh OUTDIR N CACHE RELEASE AT
#
# Writes OUTDIR/statement_signers (the keys' allowed_signers lines: give it
# to `compliance report --signers`), OUTDIR/keys/, OUTDIR/declarations/ and
# OUTDIR/statements/<org>/<release>.json. $COMPLIANCE names the program
# (default build/compliance).
set -eu

if [ $# -ne 5 ]; then
    echo "usage: $0 OUTDIR N CACHE RELEASE AT" >&2
    exit 2
fi
OUT=$1 N=$2 CACHE=$3 RELEASE=$4 AT=$5
COMPLIANCE=${COMPLIANCE:-build/compliance}
SRC=$(cd "$(dirname "$0")/.." && pwd)/examples/medium-municipality.json

rm -rf "$OUT"
mkdir -p "$OUT/keys" "$OUT/declarations" "$OUT/statements"
python3 - "$SRC" "$OUT/declarations" "$N" <<'PY'
import json, random, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
shares = {"GOV-03": 0.40, "GOV-04": 0.30, "BCM-01": 0.28}
# exactly round(share * n) municipalities have each control, drawn at random
have = {c: set(rng.sample(range(n), round(s * n))) for c, s in shares.items()}
for i in range(n):
    d = json.load(open(src))
    org = "gem-%03d" % (i + 1)
    d["organisation"] = {"id": org, "name": "Gemeente %03d" % (i + 1)}
    for c in shares:
        if i not in have[c]:
            d["controls"][c] = {"status": "not_implemented",
                                "note": "synthetic: not in place"}
    json.dump(d, open("%s/%s.json" % (out, org), "w"), indent=1)
PY
: >"$OUT/statement_signers"
for decl in "$OUT"/declarations/*.json; do
    org=$(basename "$decl" .json)
    "$COMPLIANCE" -q keygen --out "$OUT/keys/$org.key" --org "$org" \
        >>"$OUT/statement_signers"
    mkdir -p "$OUT/statements/$org"
    "$COMPLIANCE" -q attest --declaration "$decl" --key "$OUT/keys/$org.key" \
        --out "$OUT/statements/$org/$RELEASE.json" --release "$RELEASE" \
        --cache "$CACHE" --at "$AT" >/dev/null
done
echo "gen_sector: $N municipalities in $OUT"
