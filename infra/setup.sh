#!/usr/bin/env bash
# Makes a fresh Debian or Ubuntu clone ready for lab: the apt packages lab needs (with sudo when not
# root), the npm dependencies, and the build (TypeScript, the driver, the guest runner, the client).
# Safe to run again: it installs only what is missing and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

# wine/wine64: the embedded target; mingw-w64 (x86-64 and i686): the driver and guest programs for 64-bit
# and 32-bit guests; osslsigncode + openssl: test signing; make: the incremental C build; openssh: the SSH
# target's tests; qemu-system-x86 + qemu-utils + mtools + xz-utils: the QEMU target (its VM, the C: drive
# it adds to a live CD, the compressed ReactOS image); chromium: the HTML report's browser tests;
# poppler-utils: the PDF export's tests; ca-certificates: npm; gcc + libc6-dev: the native ASan/UBSan
# build of the guest runner's plan reader (its fuzz test); cmark-gfm: GitHub's Markdown renderer, which
# the tests render summary.md with.
required=(wine wine64 gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gcc-mingw-w64-i686 osslsigncode openssl make openssh-server openssh-client qemu-system-x86 qemu-utils mtools xz-utils ca-certificates gcc libc6-dev cmark-gfm)
optional=(chromium poppler-utils)

missing=()
for pkg in "${required[@]}" "${optional[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "lab setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # Required packages first, so a distribution without a non-snap chromium still gets a working lab.
  req_missing=()
  for pkg in "${missing[@]}"; do [[ " ${optional[*]} " == *" $pkg "* ]] || req_missing+=("$pkg"); done
  if [ "${#req_missing[@]}" -gt 0 ]; then
    $sudo apt-get install -y -qq --no-install-recommends "${req_missing[@]}"
  fi
  for pkg in "${optional[@]}"; do
    if [[ " ${missing[*]} " == *" $pkg "* ]]; then
      $sudo apt-get install -y -qq --no-install-recommends "$pkg" ||
        echo "lab setup: could not install $pkg; the HTML report tests need /usr/bin/chromium"
    fi
  done
fi

if ! command -v node >/dev/null 2>&1; then
  echo "lab setup: Node.js 20.19 or newer is needed (https://nodejs.org or your distribution's nodejs 20+)." >&2
  exit 3
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
  echo "lab setup: Node.js $(node --version) is too old; lab needs 20.19 or newer." >&2
  exit 3
}

[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npm run -s build
echo "lab setup: ready. Next: npx lab run suites/echo.yaml"
