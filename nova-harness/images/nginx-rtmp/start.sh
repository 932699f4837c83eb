#!/bin/sh
# Writes nginx.conf from its template with the callback address and HLS timing, then runs nginx in
# the foreground. NOVA_STREAMING_CALLBACK: base URL of the publish callbacks (streaming-service's
# HTTP port), e.g. http://streaming-service:8088/media-server.
set -eu
: "${NOVA_STREAMING_CALLBACK:?set NOVA_STREAMING_CALLBACK to the publish callbacks base URL}"
: "${NOVA_HLS_FRAGMENT:=2s}"
: "${NOVA_HLS_PLAYLIST_LENGTH:=20s}"
sed -e "s#@CALLBACK@#${NOVA_STREAMING_CALLBACK}#g" \
    -e "s#@HLS_FRAGMENT@#${NOVA_HLS_FRAGMENT}#g" \
    -e "s#@HLS_PLAYLIST_LENGTH@#${NOVA_HLS_PLAYLIST_LENGTH}#g" \
    /etc/nginx/nginx.conf.template > /etc/nginx/nginx.conf
exec nginx -g 'daemon off;'
