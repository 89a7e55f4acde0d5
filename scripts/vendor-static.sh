#!/usr/bin/env bash
# Re-vendor the front-end libraries from the npm registry (run by hand when upgrading; CI and
# `make run` use the committed copies, so the platform works on an intranet without a CDN).
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=2.0.11
ECHARTS=6.1.0
PICO=2.1.1
out=anxin/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$HTMX" "echarts@$ECHARTS" "@picocss/pico@$PICO" >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
mkdir -p "$out"
cp "$work/htmx.org-$HTMX/package/dist/htmx.min.js" "$out/htmx.min.js"
cp "$work/echarts-$ECHARTS/package/dist/echarts.min.js" "$out/echarts.min.js"
cp "$work/picocss-pico-$PICO/package/css/pico.min.css" "$out/pico.min.css"
cp "$work/htmx.org-$HTMX/package/LICENSE" "$out/LICENSE.htmx"
cp "$work/echarts-$ECHARTS/package/LICENSE" "$out/LICENSE.echarts"
cp "$work/picocss-pico-$PICO/package/LICENSE.md" "$out/LICENSE.pico"
{
  echo "htmx.org $HTMX"
  echo "echarts $ECHARTS"
  echo "@picocss/pico $PICO"
  (cd "$out" && sha256sum htmx.min.js echarts.min.js pico.min.css)
} > "$out/VERSIONS"
cat "$out/VERSIONS"
