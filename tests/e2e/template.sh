#!/usr/bin/env bash
# End-to-end: `compliance template`: output, --org/--name, refusals,
# atomic --out that keeps existing files, and a fresh template re-checked.
set -u

source "$(dirname "$0")/lib.bash"

# pycheck FILE PYTHON: PYTHON runs with `d` = the JSON document in FILE and
# prints "ok" when its assertions hold.
pycheck() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[2])
print("ok")
PY
}

run "$C" template --profile basic --baseline "$B"
expect "template basic" 0 out '"schema": "lcmp.declaration/v1"'
cp "$T/out" "$T/basic.json"
run pycheck "$T/basic.json" '
assert d["profile"] == "basic", d.get("profile")
assert d.get("baseline", "interlokaal-basis") == "interlokaal-basis"
assert len(d["controls"]) == 34, len(d["controls"])
assert all(c["status"] == "not_implemented" for c in d["controls"].values())
assert "GOV-04" in d["controls"] and "BCM-02" not in d["controls"]'
expect "template basic: 34 controls, all not_implemented" 0 out ok

run "$C" template --profile basic --baseline "$B" --org gem-proefdorp --name "Gemeente Proefdorp"
expect "template --org --name" 0 out '"gem-proefdorp"'
cp "$T/out" "$T/named.json"
run pycheck "$T/named.json" '
assert d["organisation"] == {"id": "gem-proefdorp", "name": "Gemeente Proefdorp"}, d["organisation"]'
expect "template --org --name fill the organisation" 0 out ok

run env LCMP_BASELINE="$B" "$C" template --profile essential
expect "template: baseline from LCMP_BASELINE" 0 out '"profile": "essential"'
cp "$T/out" "$T/essential.json"
run pycheck "$T/essential.json" 'assert len(d["controls"]) == 54, len(d["controls"])'
expect "template essential: 54 controls" 0 out ok

run "$C" template --profile platinum --baseline "$B"
expect "unknown profile" 2 err "compliance: baseline 'interlokaal-basis' has no profile 'platinum' (profiles: basic, important, essential)"
expect_lines "unknown profile: one line" err 1

run "$C" template --profile basic --baseline "$T/nowhere"
expect "missing baseline directory" 2 err "$T/nowhere: no such baseline directory"

mkdir "$T/empty"
run "$C" template --profile basic --baseline "$T/empty"
expect "baseline without manifest" 2 err "baseline.json"
expect_lines "baseline without manifest: one line" err 1

cp -R "$B" "$T/broken"
python3 - "$T/broken/controls/governance.json" <<'PY'
import sys
p = sys.argv[1]
t = open(p).read().replace('"family": "governance",', '"family": "governance",,', 1)
open(p, "w").write(t)
PY
run "$C" template --profile basic --baseline "$T/broken"
expect_re "malformed baseline: file:line:column" 2 err "^compliance: .*controls/governance\.json:3:[0-9]+: "
expect_lines "malformed baseline: one line" err 1

# --out: atomic, mode 0644, same bytes as stdout, never overwrites silently
mkdir "$T/outdir"
run "$C" template --profile basic --baseline "$B" --out "$T/outdir/decl.json"
expect_lines "--out: nothing on stdout" out 0
run cmp "$T/basic.json" "$T/outdir/decl.json"
expect_lines "--out: same bytes as stdout" out 0
run stat -c %a "$T/outdir/decl.json"
expect "--out: mode 0644" 0 out 644

run "$C" template --profile basic --baseline "$B" --org gem-other --out "$T/outdir/decl.json"
expect "--out refuses an existing file" 2 err "compliance: $T/outdir/decl.json: already exists (use --force to overwrite)"
expect_lines "--out refusal: one line" err 1
run cmp "$T/basic.json" "$T/outdir/decl.json"
expect_lines "--out refusal: file unchanged" out 0

run "$C" -v template --profile basic --baseline "$B" --org gem-other --out "$T/outdir/decl.json" --force
expect "--out --force overwrites" 0 err "wrote $T/outdir/decl.json"
run grep -c '"gem-other"' "$T/outdir/decl.json"
expect "--force: new content" 0 out 1
run ls -A "$T/outdir"
expect_lines "--out: no temporary files left" out 1

run "$C" template --profile basic --baseline "$B" --out "$T/no/such/dir/decl.json"
expect "--out into a missing directory" 2 err "$T/no/such/dir/decl.json: cannot create a temporary file"

run "$C" template --profile basic --baseline "$B" --out "$T/outdir" --force
expect "--out names a directory" 2 err "$T/outdir: is a directory"

# A fresh template is a valid declaration that declares nothing implemented.
run "$C" check --declaration "$T/basic.json" --baseline "$B" --at 2026-11-27
expect "fresh template: check finds gaps" 1 out "0 of 34 compliant, 34 non-compliant, 0 excepted, 0 not applicable, 0 undeclared — score 0%"
run "$C" check --declaration "$T/essential.json" --baseline "$B" --at 2026-11-27 --format json
expect "fresh essential template: check finds gaps" 1 out '"non_compliant": 54'
run "$C" check --declaration "$T/named.json" --baseline "$B" --profile important --at 2026-11-27 -q
expect "basic template against important: undeclared controls" 1 out "19 undeclared"

finish
