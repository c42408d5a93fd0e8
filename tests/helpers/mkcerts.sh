#!/bin/sh
# mkcerts.sh DIR: a throw-away CA and a server certificate for the
# marketplace hosts (DOMAIN.md's appendix), so that the tests can serve
# https://item.taobao.com/... from tests/helpers/testhttpd on 127.0.0.1
# (with IPP_CONNECT_TO) and verify it against the CA (IPP_CA_BUNDLE).
#
# Writes DIR/ca.pem (trust this), DIR/server.pem and DIR/server.key (give
# these to testhttpd --tls).  The CA key is deleted once it has signed:
# nothing else can ever be signed with it.  Valid for 30 days from now.
set -eu
dir=${1:?usage: mkcerts.sh DIR}
mkdir -p "$dir"
cd "$dir"

hosts="item.taobao.com world.taobao.com *.taobao.com *.m.taobao.com
*.intl.taobao.com *.goofish.com *.tmall.com *.detail.tmall.com
*.m.tmall.com *.tmall.hk *.1688.com *.alibaba.com *.aliexpress.com
aliexpress.us *.aliexpress.us aliexpress.ru *.aliexpress.ru
*.lazada.sg *.lazada.co.id *.lazada.com.my *.lazada.co.th
*.lazada.com.ph *.lazada.vn localhost"
san=
for h in $hosts; do
	san="${san:+$san,}DNS:$h"
done
san="$san,IP:127.0.0.1"

ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 \
    -subj "/CN=ipp throw-away test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
# shellcheck disable=SC2086
openssl req -new $ec -keyout server.key -out server.csr \
    -subj "/CN=item.taobao.com" 2>/dev/null
cat > server.ext <<EOF
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $san
EOF
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
    -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -days 30 -extfile server.ext -out server.pem 2>/dev/null
rm -f ca.key server.csr server.ext
chmod 600 server.key
