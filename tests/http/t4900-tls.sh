#!/bin/sh
# The TLS front of docs/deploy.md, as the document gives it: the nginx
# block marked "tests/http/t4900-tls.sh runs this block" is taken from the
# document, only its ports, certificate paths and safer's address put in,
# and run unprivileged in a temporary prefix on free loopback ports, with a
# throwaway CA and server certificate made by openssl, in front of
# `safer serve --behind-proxy` on the demo's store. Then, with curl
# trusting only that CA:
# - /health answers over https through nginx, with safer's headers once;
# - plain http to nginx's port is redirected to https, as the block says;
# - signing in through the proxy (an Origin with the port, as a browser
#   without Sec-Fetch-Site sends it) gives a __Host- session cookie with
#   Secure, HttpOnly and SameSite=Strict, and the dashboard and a pack load;
# - the audit log says where a sign-in came from as nginx saw it (a client
#   bound to 127.0.0.2), nginx replacing a forged X-Forwarded-For, and the
#   request log names no client;
# - without --behind-proxy a forged X-Forwarded-For is ignored (behind it,
#   from a peer that is not loopback, too: tests/unit/test_web.c).
# Skipped (77) without nginx, openssl or curl, except under CI=true.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || skip "no nginx (apt-get install nginx-light)"
command -v openssl >/dev/null 2>&1 || skip "no openssl"
command -v curl >/dev/null 2>&1 || skip "no curl"
DOC=$HERE/../../docs/deploy.md
NAME=safer.example.gov.uk

pids=""
stop_all() {
    for p in $pids; do
        kill "$p" 2>/dev/null || true
    done
    if [ -f "$TMP/nginx/nginx.pid" ]; then
        kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null || true
    fi
    cleanup
}
trap stop_all EXIT

# wait_log PATTERN FILE: up to 20 s for the line (the server writes it once
# the answer is sent, which may be after curl has it).
wait_log() {
    i=0
    while [ $i -lt 200 ] && ! grep -q -- "$1" "$2"; do
        sleep 0.1
        i=$((i + 1))
    done
    expect_grep "$1" "$2"
}

# ---- a throwaway CA and a server certificate for the name and loopback ----
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=safer test CA" \
    -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=$NAME" -keyout server.key -out server.csr \
    >/dev/null 2>&1
printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
    "$NAME" >ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile ext.cnf -out server.pem >/dev/null 2>&1
checks=$((checks + 1))
openssl verify -CAfile ca.pem server.pem >/dev/null || fail "the server certificate does not verify"

# ---- safer behind the proxy, on the demo's store ----
"$SAFER" demo --out d --store "$SAFER_DB" >demo.out
coordinator=$(awk '$1 == "login:" && $4 == "coordinator" { print $2 }' demo.out)
password=$(awk '$1 == "login:" && $4 == "coordinator" { print $3 }' demo.out)
[ -n "$coordinator" ] || fail "the demo printed no coordinator's login"

# serve NAME ARGS...: start `safer serve` in the background; its port in
# $port, its log in NAME.log.
serve() {
    name=$1
    shift
    : >"$name.out"
    : >"$name.log"
    "$SAFER" serve "$@" >>"$name.out" 2>>"$name.log" &
    pids="$pids $!"
    port=
    i=0
    while [ $i -lt 600 ] && [ -z "$port" ]; do
        port=$(sed -n 's|^serving [0-9]* partnership(s) at http://[0-9.]*:\([0-9]*\)/$|\1|p' "$name.out")
        [ -n "$port" ] || sleep 0.05
        i=$((i + 1))
    done
    [ -n "$port" ] || { cat "$name.out" "$name.log" >&2; fail "safer serve $* did not start"; exit 1; }
}
serve proxied --listen 127.0.0.1:0 --behind-proxy
SAFER_PORT=$port

# ---- nginx from the document ----
awk '/^```nginx$/ { inblock = 1; n = 0; next }
     inblock && /^```$/ { if (marked) exit; inblock = 0; next }
     inblock { if (++n == 1 && /t4900-tls\.sh/) marked = 1; if (marked) print }' "$DOC" >front.conf
checks=$((checks + 1))
[ -s front.conf ] || { fail "no nginx block marked for t4900-tls.sh in $DOC"; exit 1; }
# Every place the test fills in must be in the block, once.
for want in 'listen 80;' 'listen 443 ssl http2;' '/etc/ssl/certs/safer.example.gov.uk.pem' \
    '/etc/ssl/private/safer.example.gov.uk.key' 'proxy_pass http://127.0.0.1:8080;'; do
    checks=$((checks + 1))
    [ "$(grep -c -F -- "$want" front.conf)" = 1 ] || fail "the block in $DOC no longer has '$want' once"
done

mkdir -p nginx/logs nginx/tmp
chmod 755 "$TMP" nginx
chmod 777 nginx/tmp
# start_nginx: on two free high ports ($HTTP, $HTTPS), or fail.
start_nginx() {
    tries=0
    while [ $tries -lt 10 ]; do
        tries=$((tries + 1))
        HTTP=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
        HTTPS=$((HTTP + 1))
        sed -e "s|listen 80;|listen 127.0.0.1:$HTTP;|" \
            -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS ssl http2;|" \
            -e "s|/etc/ssl/certs/safer.example.gov.uk.pem|$TMP/server.pem|" \
            -e "s|/etc/ssl/private/safer.example.gov.uk.key|$TMP/server.key|" \
            -e "s|proxy_pass http://127.0.0.1:8080;|proxy_pass http://127.0.0.1:$SAFER_PORT;|" \
            front.conf >nginx/front.conf
        cat >nginx/nginx.conf <<EOF
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events { worker_connections 64; }
http {
    access_log $TMP/nginx/logs/access.log;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    include $TMP/nginx/front.conf;
}
EOF
        if "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" \
            2>nginx.err; then
            return 0
        fi
        grep -q 'Address already in use' nginx.err nginx/logs/error.log 2>/dev/null || break
    done
    cat nginx.err nginx/logs/error.log >&2 2>/dev/null || true
    fail "nginx did not start with the block of $DOC"
    exit 1
}
start_nginx
# nginx daemonises: wait for its pid file.
i=0
while [ ! -s nginx/nginx.pid ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done

BASE="https://$NAME:$HTTPS"
CURL="curl -sS --cacert $TMP/ca.pem --resolve $NAME:$HTTPS:127.0.0.1 --resolve $NAME:$HTTP:127.0.0.1"

# ---- health over https ----
expect_status 0 $CURL -D h.txt -o body.txt "$BASE/health"
expect_grep '^HTTP/[0-9.]* 200' h.txt
expect_grep '^ok' body.txt
expect_grep '^strict-transport-security: max-age=31536000' h.txt
checks=$((checks + 1))
[ "$(grep -ci '^content-security-policy:' h.txt)" = 1 ] || fail "not one Content-Security-Policy header"
expect_no_grep '^server: nginx/' h.txt
# The certificate is checked: without the CA curl refuses.
expect_status 60 curl -sS --resolve "$NAME:$HTTPS:127.0.0.1" "$BASE/health"

# ---- plain http is redirected to https ----
expect_status 0 $CURL -D h80.txt -o /dev/null "http://$NAME:$HTTP/health"
# HTTP/1.1 keeps the names' case: compare them in lower case, as HTTP/2 sends them.
sed -i 's/^\([A-Za-z-]*\):/\L\1:/' h80.txt
expect_grep '^HTTP/[0-9.]* 301' h80.txt
expect_grep "^location: https://$NAME/health" h80.txt

# ---- signing in through the proxy ----
expect_status 0 $CURL -c jar.txt -o signin.html "$BASE/sign-in"
csrf=$(sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' signin.html | head -n 1)
checks=$((checks + 1))
[ -n "$csrf" ] || fail "the sign-in page has no form token"
expect_status 0 $CURL -b jar.txt -c jar.txt -D post.txt -o /dev/null \
    -H "Origin: $BASE" --data-urlencode "email=$coordinator" \
    --data-urlencode "password=$password" --data-urlencode "csrf_token=$csrf" "$BASE/sign-in"
expect_grep '^HTTP/[0-9.]* 303' post.txt
tr -d '\r' <post.txt | grep -i '^set-cookie: __Host-safer-session=' >session.txt || true
checks=$((checks + 1))
[ -s session.txt ] || fail "signing in set no __Host-safer-session cookie"
for attr in Secure HttpOnly SameSite=Strict Path=/; do
    checks=$((checks + 1))
    grep -q "; $attr\(;\|$\)" session.txt || fail "the session cookie is not $attr: $(cat session.txt)"
done
expect_status 0 $CURL -b jar.txt -D dash.txt -o dash.html "$BASE/"
expect_grep '^HTTP/[0-9.]* 200' dash.txt
expect_grep 'Dashboard' dash.html
expect_status 0 $CURL -b jar.txt -D pack.txt -o pack.html "$BASE/packs/scrutiny"
expect_grep '^HTTP/[0-9.]* 200' pack.txt
expect_grep '</html>' pack.html

# ---- where a sign-in came from, in the audit log (the request log names no one) ----
# bad_signin BASE CURL...: a sign-in with a wrong password and a forged
# X-Forwarded-For, its form token fetched the same way first.
bad_signin() {
    base=$1
    shift
    rm -f bad.jar
    tok=$("$@" -c bad.jar "$base/sign-in" |
        sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
    "$@" -b bad.jar -c bad.jar -o /dev/null -H "Origin: $base" \
        -H 'X-Forwarded-For: 203.0.113.9' --data-urlencode "email=$coordinator" \
        --data-urlencode "password=not the password" --data-urlencode "csrf_token=$tok" \
        "$base/sign-in"
}
audit_has() {
    "$SAFER" audit >audit.txt 2>&1 || fail "safer audit failed: $(cat audit.txt)"
    expect_grep "$1" audit.txt
}
bad_signin "$BASE" $CURL --interface 127.0.0.2
audit_has 'login-failed.*from 127\.0\.0\.2$'
expect_no_grep '203\.0\.113\.9' audit.txt
expect_no_grep '127\.0\.0\.2' proxied.log

# Without --behind-proxy a forwarded address is ignored.
serve alone --listen 127.0.0.1:0
bad_signin "http://127.0.0.1:$port" curl -sS --interface 127.0.0.3
audit_has 'login-failed.*from 127\.0\.0\.3$'
expect_no_grep '203\.0\.113\.9' audit.txt

# Behind the proxy, a peer that is not on loopback is not believed either:
# tests/unit/test_web.c checks web_client_addr() with such peers (a sign-in
# from one cannot be made here: behind the proxy the form token's cookie is
# Secure, and such a peer speaks plain http).

done_testing
