#!/usr/bin/env bash
# End-to-end: the HTML report in a real headless Chromium. A small synthetic
# sector (scripts/gen_sector.sh, real keygen/attest against a synced,
# signed release) is reported as HTML; Chromium renders it to a PNG and
# dumps its DOM. Checked: the charts' <svg> elements with non-zero sizes
# and the headline control ids are in the DOM; the screenshot is not blank
# and shows the charts' bar colours; nothing is requested from the network
# (statically: no URL, script or external reference in the page;
# dynamically: Chromium's verbose log shows no http(s)/ws request beyond
# those Chromium makes for a blank page by itself); the page
# has print rules. Without Chromium the test fails (scripts/install-deps.sh
# installs it).
set -u

source "$(dirname "$0")/lib.bash"

# check NAME CONDITION...: a plain shell condition as a counted check
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
    fi
}

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "FAIL: chromium is not installed (scripts/install-deps.sh installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
G=(git -c user.name=Association -c user.email=release@assoc
    -c init.defaultBranch=main -c gpg.format=ssh -c tag.gpgSign=false
    -c commit.gpgSign=false)
AT=2026-11-27T09:00:00Z
NOW=2026-12-01

# the sector's keys come first: the release names them as statement signers
# (gen_sector.sh makes the keys and statements; the signers file of a first
# run with a throwaway cache is not needed: --signers names its own output)
ssh-keygen -q -t ed25519 -N '' -C release -f "$T/release"
echo "release@assoc namespaces=\"git\" $(cut -d' ' -f1,2 "$T/release.pub")" \
    >"$T/release_signers"
A=$T/assoc
"${G[@]}" init -q "$A"
cp -R "$S/baselines/municipal/." "$A/"
"${G[@]}" -C "$A" add -A
"${G[@]}" -C "$A" commit -q -m "baseline"
"${G[@]}" -C "$A" -c user.signingkey="$T/release.pub" \
    tag -s v2026.1 -m $'Release 2026.1\n\nExpires: 2099-12-31'
K=$T/cache
run "$C" sync --remote "$A" --cache "$K" --release-signers "$T/release_signers"
expect "sync the release" 0 out "current release: v2026.1"

run env COMPLIANCE="$C" bash "$S/scripts/gen_sector.sh" "$T/sector" 10 "$K" \
    v2026.1 "$AT"
expect "generate a sector of 10" 0 out "gen_sector: 10 municipalities"

run "$C" report "$T/sector/statements" --signers "$T/sector/statement_signers" \
    --cache "$K" --at "$NOW" --format html --out "$T/report.html"
check "report --format html: exit 0 (got $rc: $(head -c 300 "$T/err"))" \
    test "$rc" = 0
check "report.html written" test -s "$T/report.html"

# --- static: self-contained, print rules ---------------------------------------
H=$T/report.html
check "static: no http:// or https:// anywhere in the page" \
    bash -c '! grep -qiE "https?://" "$1"' _ "$H"
check "static: no <script>" bash -c '! grep -qi "<script" "$1"' _ "$H"
check "static: no src=/href= except #fragments and data:" \
    bash -c '! grep -oiE "(src|href)[[:space:]]*=[[:space:]]*[\"'"'"']?[^\"'"'"' >]*" "$1" |
        grep -viE "=[[:space:]]*[\"'"'"']?(#|data:)"' _ "$H"
check "static: no @import or url(...) in styles" \
    bash -c '! grep -qiE "@import|url\(" "$1"' _ "$H"
check "print-friendly: an @media print rule" grep -q "@media print" "$H"

# --- Chromium: screenshot and DOM ----------------------------------------------
CH=("$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic
    --no-first-run --disable-background-networking --disable-component-update
    --disable-sync --host-resolver-rules="MAP * ~NOTFOUND"
    --window-size=1200,2000)
timeout 120 "${CH[@]}" --user-data-dir="$(mktemp -d "$T/prof.XXXXXX")" \
    --enable-logging=stderr --v=1 \
    --screenshot="$T/shot.png" "file://$H" >"$T/shot.out" 2>"$T/shot.log" </dev/null
rc=$?
check "chromium --screenshot: exit 0 (got $rc)" test "$rc" = 0
timeout 120 "${CH[@]}" --user-data-dir="$(mktemp -d "$T/prof.XXXXXX")" \
    --enable-logging=stderr --v=1 \
    --dump-dom "file://$H" >"$T/dom.html" 2>"$T/dom.log" </dev/null
rc=$?
check "chromium --dump-dom: exit 0 (got $rc)" test "$rc" = 0

cat >"$T/dom.py" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg\b[^>]*>", dom)
assert len(svgs) >= 3, "want 3 charts (headline, families, controls), got %d" % len(svgs)
for s in svgs:
    w = re.search(r'\bwidth="([0-9.]+)"', s)
    h = re.search(r'\bheight="([0-9.]+)"', s)
    assert w and h and float(w.group(1)) > 0 and float(h.group(1)) > 0, s
# the headline chart comes first and names the headline controls
first = dom[dom.index(svgs[0]):]
first = first[:first.index("</svg>")]
for c in ("GOV-03", "GOV-04", "BCM-01"):
    assert ">%s</text>" % c in first, c
assert "Headline controls" in dom
# bars with their colours exist in the DOM
assert 'fill="#2e7d32"' in dom and 'fill="#c62828"' in dom
print("dom ok: %d charts" % len(svgs))
PY
run python3 "$T/dom.py" "$T/dom.html"
expect "DOM: charts with sizes, headline ids first" 0 out "dom ok"

cat >"$T/png.py" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4])
    kind = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, hdr
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = {}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp):
        k = bytes(line[x:x + 3])
        colours[k] = colours.get(k, 0) + 1
    prev = line
print("size %dx%d, %d colours" % (w, h, len(colours)))
assert len(colours) >= 20, "looks blank: %d colours" % len(colours)
# the bars are drawn: many pixels of the compliant green and the
# not-compliant red
for name, rgb in (("green", b"\x2e\x7d\x32"), ("red", b"\xc6\x28\x28")):
    assert colours.get(rgb, 0) >= 500, "%s bars: %d pixels" % (name, colours.get(rgb, 0))
print("png ok")
PY
check "screenshot exists" test -s "$T/shot.png"
run python3 "$T/png.py" "$T/shot.png"
expect "screenshot: not blank, bars visible" 0 out "png ok"

# --- dynamic: no network request ------------------------------------------------
# Chromium logs every URL request (NetworkDelegate::NotifyBeforeURLRequest)
# with --v=1. Chromium itself contacts a few Google services whatever page it
# shows (time, sign-in, component updates: failing here, as every name maps
# to NOTFOUND); so a blank page is rendered the same way first, and the
# report may request no URL beyond what Chromium requested for the blank
# page. A control page with one image on 127.0.0.1 shows that a request of
# the page itself does show up in the log.
requests() { # LOG...: the requested http(s)/ws URLs, without query
    grep -hoE "NotifyBeforeURLRequest: (https?|wss?)://[^ ?\"]*" "$@" |
        sed -e 's/^NotifyBeforeURLRequest: //' | sort -u
}
shoot() { # PAGE LOG
    timeout 120 "${CH[@]}" --user-data-dir="$(mktemp -d "$T/prof.XXXXXX")" \
        --enable-logging=stderr --v=1 --screenshot="$T/other.png" \
        "file://$1" >/dev/null 2>"$2" </dev/null
}
echo '<!DOCTYPE html><html><body>blank</body></html>' >"$T/blank.html"
echo '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/probe.png"></body></html>' \
    >"$T/control.html"
shoot "$T/blank.html" "$T/blank.log"
shoot "$T/control.html" "$T/control.log"
check "chromium logged something (--v=1 works)" test -s "$T/shot.log"
check "control: a page's own request is logged" \
    grep -q "NotifyBeforeURLRequest: http://127.0.0.1:9/probe.png" "$T/control.log"
requests "$T/blank.log" >"$T/req.blank"
requests "$T/shot.log" "$T/dom.log" >"$T/req.report"
check "dynamic: the report requests no http(s)/ws URL of its own ($(comm -13 "$T/req.blank" "$T/req.report" | tr '\n' ' '))" \
    test -z "$(comm -13 "$T/req.blank" "$T/req.report")"
check "dynamic: nothing on loopback or any IP requested" \
    bash -c '! grep -qE "NotifyBeforeURLRequest: (https?|wss?)://[0-9]" "$1" "$2"' _ \
    "$T/shot.log" "$T/dom.log"
check "dynamic: the page itself was loaded (file:// in the log)" \
    grep -q "file://$H" "$T/shot.log"

finish
