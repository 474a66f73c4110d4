#!/bin/sh
# Makes the test-signing certificate on first use: an RSA-2048 self-signed certificate with the
# codeSigning extended key usage, in <repo>/.lab/cert/ (git-ignored). Windows with test signing on accepts
# any such certificate; it is worthless for anything else. Prints the certificate and key paths, one a line.
#
# LAB_SIGN_CERT and LAB_SIGN_KEY (both, as paths) use your own certificate instead; nothing is generated.
# LAB_CERT_DIR moves the generated one (tests use it). The key is never printed.
set -eu

if [ -n "${LAB_SIGN_CERT:-}" ] || [ -n "${LAB_SIGN_KEY:-}" ]; then
    for f in "${LAB_SIGN_CERT:-}" "${LAB_SIGN_KEY:-}"; do
        if [ -z "$f" ] || [ ! -r "$f" ]; then
            echo "make-test-cert: LAB_SIGN_CERT and LAB_SIGN_KEY must both name readable files (got '${f}')." >&2
            exit 2
        fi
    done
    printf '%s\n%s\n' "$LAB_SIGN_CERT" "$LAB_SIGN_KEY"
    exit 0
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${LAB_CERT_DIR:-$root/.lab/cert}

if [ ! -s "$dir/cert.pem" ] || [ ! -s "$dir/key.pem" ]; then
    if ! command -v openssl >/dev/null 2>&1; then
        echo "make-test-cert: openssl is missing. Fix: sudo apt-get install -y --no-install-recommends openssl" >&2
        exit 2
    fi
    parent=$(dirname "$dir")
    mkdir -p "$parent"
    # Built in a private folder and renamed into place, so parallel builds never see half a pair.
    tmp=$(mktemp -d "$parent/.cert.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    umask 077
    if ! openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
        -subj "/CN=lab objdev test signing (not trusted)" \
        -addext "extendedKeyUsage=codeSigning" \
        -addext "keyUsage=critical,digitalSignature" \
        -addext "basicConstraints=critical,CA:FALSE" \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >"$tmp/openssl.out" 2>&1; then
        cat "$tmp/openssl.out" >&2
        exit 1
    fi
    rm -f "$tmp/openssl.out"
    chmod 600 "$tmp/key.pem"
    chmod 644 "$tmp/cert.pem"
    chmod 700 "$tmp"
    rmdir "$dir" 2>/dev/null || true
    if mv -T "$tmp" "$dir" 2>/dev/null; then
        trap - EXIT
        echo "make-test-cert: made a test-signing certificate in $dir" >&2
    fi
    if [ ! -s "$dir/cert.pem" ] || [ ! -s "$dir/key.pem" ]; then
        echo "make-test-cert: $dir holds an incomplete certificate. Fix: delete that folder and build again." >&2
        exit 1
    fi
fi
printf '%s\n%s\n' "$dir/cert.pem" "$dir/key.pem"
