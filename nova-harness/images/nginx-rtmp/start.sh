#!/bin/sh
# Writes nginx.conf from its template with the callback address, the DNS resolver and HLS timing,
# then runs nginx in the foreground.
#
# NOVA_STREAMING_CALLBACK: base URL of the callbacks, streaming-service's HTTP port with the shared
#   secret as a path segment (nginx-rtmp cannot send headers), e.g.
#   http://streaming-service:8088/media-server/<secret>. nginx POSTs forms to <base>/publish,
#   <base>/publish-done and <base>/update. Plain http; no quotes, spaces, '#', '&', '$', ';' or '\'.
# NOVA_HLS_FRAGMENT, NOVA_HLS_PLAYLIST_LENGTH: HLS segment and playlist lengths (2s, 20s).
# NOVA_RESOLVER: the DNS server the callbacks' relay asks (default: the first nameserver of
#   /etc/resolv.conf, Docker's own DNS on a user-defined network, which knows the stack's aliases).
set -eu
: "${NOVA_STREAMING_CALLBACK:?set NOVA_STREAMING_CALLBACK to the callbacks base URL, e.g. http://streaming-service:8088/media-server/<secret>}"
: "${NOVA_HLS_FRAGMENT:=2s}"
: "${NOVA_HLS_PLAYLIST_LENGTH:=20s}"
case "$NOVA_STREAMING_CALLBACK" in
  http://*) ;;
  *) echo "NOVA_STREAMING_CALLBACK must be an http:// URL" >&2; exit 64 ;;
esac
case "$NOVA_STREAMING_CALLBACK" in
  *[[:space:]\"\#\&\$\;\\]*) echo "NOVA_STREAMING_CALLBACK holds a character nginx.conf cannot take" >&2; exit 64 ;;
esac
CALLBACK=${NOVA_STREAMING_CALLBACK%/}
if [ -z "${NOVA_RESOLVER:-}" ]; then
  NOVA_RESOLVER=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
  case "$NOVA_RESOLVER" in *:*) NOVA_RESOLVER="[$NOVA_RESOLVER]" ;; esac
fi
: "${NOVA_RESOLVER:?no nameserver in /etc/resolv.conf: set NOVA_RESOLVER}"
sed -e "s#@CALLBACK@#${CALLBACK}#g" \
    -e "s#@RESOLVER@#${NOVA_RESOLVER}#g" \
    -e "s#@HLS_FRAGMENT@#${NOVA_HLS_FRAGMENT}#g" \
    -e "s#@HLS_PLAYLIST_LENGTH@#${NOVA_HLS_PLAYLIST_LENGTH}#g" \
    /etc/nginx/nginx.conf.template > /etc/nginx/nginx.conf
exec nginx -g 'daemon off;'
