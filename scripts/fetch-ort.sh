#!/usr/bin/env bash
# fetch-ort.sh puts the Linux x86-64 ONNX Runtime 1.30.0 shared library into
# podium's cache, outside git (SPEC §6). It packs the npm package
# onnxruntime-node@1.30.0 with `npm pack` (which never runs the package's install
# script, unlike `npm install`), extracts the one file it needs, and checks its
# sha256 before installing it. Running it again is a no-op when the cached copy
# already has the right hash.
#
# Usage: [ORT_CACHE=DIR] scripts/fetch-ort.sh [DEST]
#   DEST defaults to $ORT_CACHE/libonnxruntime.so.1, ORT_CACHE to
#   ${XDG_CACHE_HOME:-$HOME/.cache}/podium/onnxruntime-1.30.0 (where podium
#   looks when neither --ort-lib nor ONNXRUNTIME_SHARED_LIBRARY_PATH is set).
set -euo pipefail

version=1.30.0
member=package/bin/napi-v6/linux/x64/libonnxruntime.so.1
want=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
cache="${ORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podium/onnxruntime-$version}"
dest="${1:-$cache/libonnxruntime.so.1}"

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && [ "$(sha "$dest")" = "$want" ]; then
	echo "fetch-ort: $dest is present"
	exit 0
fi
if [ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]; then
	echo "fetch-ort: only Linux x86-64 is fetched; point --ort-lib or ONNXRUNTIME_SHARED_LIBRARY_PATH at an ONNX Runtime $version library" >&2
	exit 1
fi
command -v npm >/dev/null || { echo "fetch-ort: npm is needed (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# --ignore-scripts is belt and braces: pack runs no install script anyway.
(cd "$tmp" && npm pack --silent --ignore-scripts "onnxruntime-node@$version" >pack.out)
tgz="$tmp/$(tail -n1 "$tmp/pack.out")"
tar -xzf "$tgz" -C "$tmp" "$member"
got="$(sha "$tmp/$member")"
if [ "$got" != "$want" ]; then
	echo "fetch-ort: sha256 of $member is $got, want $want" >&2
	exit 1
fi
mkdir -p "$(dirname "$dest")"
install -m 0644 "$tmp/$member" "$dest.tmp.$$"
mv -f "$dest.tmp.$$" "$dest"
echo "fetch-ort: installed $dest"
