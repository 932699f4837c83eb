#!/usr/bin/env python3
"""A gRPC client of every Nova service that is not Java: Debian's python3-grpcio (gRPC C-core).

For each service it calls grpc.health.v1.Health/Check for the service's name (without a token, as
Consul's checks do), then one real RPC of the service's contract with the access token in
``authorization: Bearer ...`` metadata, both over one channel per service. It prints one JSON line
per call on stdout (service, rpc, the status code's name, a field or two of the answer), the first
line naming the client's gRPC version, and exits 1 if any call failed (or answered something else
than expected), 2 on bad arguments. Diagnostics go to stderr.

    NOVA_ACCESS_TOKEN=... nova_client.py --auth auth-service:8084 --user user-service:8080 \\
        --content content-service:8081 --feed feed-service:8089 --search search-service:8086 \\
        --messaging messaging-service:8085 --media media-service:8082 \\
        --streaming streaming-service:8088 --gateway api-gateway:8000 --user-id UUID --post-id UUID --username NAME

Or, with ``--consul URL``, every address the options leave out is found through Consul, the way
Nova's own services find each other: one passing instance from ``/v1/health/service/<name>``, at
its tagged address ``wan`` (how the Docker host reaches it: ``./nova up`` publishes every instance
on a port of this machine and registers it there) or, with ``--consul-address lan``, at the address
it registered (a name only the stack's network resolves). One JSON line per service tells which.

    NOVA_ACCESS_TOKEN=... nova_client.py --consul http://localhost:8500 --user-id UUID \\
        --post-id UUID --username NAME

The stubs are generated from the contracts by generate-stubs.sh (the image runs it when it is built).

It is also the harness's client with an address of its own on the stack's network: ``login``
signs in over the gateway's HTTP API and prints one JSON line with the HTTP status and the answer's
``error`` object (never the tokens), exiting 0 whatever the status (FaultsIT's "noisy client").

    NOVA_EMAIL=... NOVA_PASSWORD=... nova_client.py login http://api-gateway:8000
"""
import argparse
import hashlib
import json
import os
import random
import sys
import urllib.error
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nova.auth.v1 import auth_pb2, auth_pb2_grpc
from nova.content.v1 import content_pb2, content_pb2_grpc
from nova.feed.v1 import feed_pb2, feed_pb2_grpc
from nova.gateway.v1 import discovery_pb2, discovery_pb2_grpc
from nova.media.v1 import media_pb2, media_pb2_grpc
from nova.messaging.v1 import messaging_pb2, messaging_pb2_grpc
from nova.search.v1 import search_pb2, search_pb2_grpc
from nova.streaming.v1 import streaming_pb2, streaming_pb2_grpc
from nova.user.v1 import user_pb2, user_pb2_grpc

HEALTH_CHECK = "grpc.health.v1.Health/Check"
# A real 1x1 PNG (one opaque red pixel): what the client uploads to media-service.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


def emit(record):
    print(json.dumps(record, sort_keys=False), flush=True)


class Client:
    def __init__(self, token, timeout):
        self.metadata = (("authorization", "Bearer " + token),)
        self.timeout = timeout
        self.failures = 0

    def call(self, service, rpc, invoke, describe, expect=None):
        """Runs one call; prints its line; counts it as failed unless OK (and expected); returns the answer or None."""
        record = {"service": service, "rpc": rpc}
        answer = None
        try:
            answer = invoke(self.metadata, self.timeout)
            record["code"] = grpc.StatusCode.OK.name
            record.update(describe(answer))
            problem = expect(answer) if expect else None
            if problem:
                record["problem"] = problem
                self.failures += 1
        except grpc.RpcError as error:
            record["code"] = error.code().name
            record["details"] = error.details()
            self.failures += 1
        except Exception as error:  # a broken stub or answer: still one line, still a failure
            record["code"] = "CLIENT_ERROR"
            record["details"] = "%s: %s" % (type(error).__name__, error)
            self.failures += 1
        emit(record)
        return answer

    def health(self, service, channel):
        """grpc.health.v1 for the service's name, without a token, as Consul's gRPC check asks."""
        stub = health_pb2_grpc.HealthStub(channel)
        self.call(service, HEALTH_CHECK,
                  lambda md, t: stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=t),
                  lambda answer: {"status": health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)},
                  lambda answer: None if answer.status == health_pb2.HealthCheckResponse.SERVING
                  else "not SERVING")


SERVICES = ("auth", "auth-service"), ("user", "user-service"), ("content", "content-service"), \
    ("feed", "feed-service"), ("search", "search-service"), ("messaging", "messaging-service"), \
    ("media", "media-service"), ("streaming", "streaming-service"), ("gateway", "api-gateway")


def first_update(responses):
    """The first message of a server stream, then the stream cancelled (as a player that leaves)."""
    try:
        return next(responses)
    finally:
        responses.cancel()


def from_consul(consul_url, service, tag):
    """host:port of one passing instance of service in Consul: its tagged address tag, or for lan its own."""
    url = "%s/v1/health/service/%s?passing=true" % (consul_url.rstrip("/"), service)
    with urllib.request.urlopen(url, timeout=10) as answer:
        entries = json.loads(answer.read())
    if not entries:
        raise LookupError("Consul at %s has no passing instance of %s" % (consul_url, service))
    registered = random.choice(entries)["Service"]
    if tag == "lan":
        return "%s:%d" % (registered["Address"], registered["Port"])
    tagged = (registered.get("TaggedAddresses") or {}).get(tag)
    if not tagged:
        raise LookupError("%s (%s) registered no tagged address '%s'" % (service, registered["ID"], tag))
    return "%s:%d" % (tagged["Address"], tagged["Port"])


def login(gateway_url):
    """POST /api/v1/auth/login with NOVA_EMAIL and NOVA_PASSWORD; one line: status and error, if any."""
    body = json.dumps({"email": os.environ["NOVA_EMAIL"], "password": os.environ["NOVA_PASSWORD"]}).encode()
    request = urllib.request.Request(gateway_url.rstrip("/") + "/api/v1/auth/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, payload = answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        status, payload = error.code, json.loads(error.read() or b"{}")
    emit({"client": "http-login", "status": status, "error": payload.get("error"),
          "signed_in": bool(payload.get("accessToken"))})
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "login":
        return login(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for option, service in SERVICES:
        parser.add_argument("--" + option, help="%s's host:port (default: from --consul)" % service)
    parser.add_argument("--consul", help="Consul's HTTP API, to find the services the options above leave out")
    parser.add_argument("--consul-address", default="wan",
                        help="which address of an instance to dial: a tagged address (wan, the default: "
                             "from the Docker host) or lan (the address it registered)")
    parser.add_argument("--user-id", required=True, help="the token's user (GetUser)")
    parser.add_argument("--post-id", required=True, help="a post to read (GetPost), the token user's own")
    parser.add_argument("--username", required=True, help="the token user's username (SearchUsers)")
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline of each call, seconds")
    args = parser.parse_args()
    token = os.environ.get("NOVA_ACCESS_TOKEN", "")
    if not token:
        parser.error("NOVA_ACCESS_TOKEN must hold an access token")

    emit({"client": "python3-grpcio", "grpc_version": grpc.__version__,
          "python": "%d.%d.%d" % sys.version_info[:3]})
    for option, service in SERVICES:
        if getattr(args, option):
            continue
        if not args.consul:
            parser.error("--%s (%s's host:port) or --consul is required" % (option, service))
        try:
            setattr(args, option, from_consul(args.consul, service, args.consul_address))
        except (OSError, LookupError, ValueError, KeyError) as error:
            print("cannot find %s through Consul: %s" % (service, error), file=sys.stderr)
            return 1
        emit({"service": service, "found": getattr(args, option), "via": "consul", "address": args.consul_address})
    client = Client(token, args.timeout)

    with grpc.insecure_channel(args.auth) as channel:
        client.health("auth-service", channel)
        auth = auth_pb2_grpc.AuthServiceStub(channel)
        client.call("auth-service", "nova.auth.v1.AuthService/VerifyToken",
                    lambda md, t: auth.VerifyToken(auth_pb2.VerifyTokenRequest(access_token=token), metadata=md, timeout=t),
                    lambda answer: {"user_id": answer.claims.user_id,
                                    "session_id_set": bool(answer.claims.session_id)},
                    lambda answer: None if answer.claims.user_id == args.user_id else "another user")

    with grpc.insecure_channel(args.user) as channel:
        client.health("user-service", channel)
        users = user_pb2_grpc.UserServiceStub(channel)
        client.call("user-service", "nova.user.v1.UserService/GetUser",
                    lambda md, t: users.GetUser(user_pb2.GetUserRequest(user_id=args.user_id), metadata=md, timeout=t),
                    lambda answer: {"id": answer.profile.id, "username": answer.profile.username})

    with grpc.insecure_channel(args.content) as channel:
        client.health("content-service", channel)
        content = content_pb2_grpc.ContentServiceStub(channel)
        client.call("content-service", "nova.content.v1.ContentService/GetPost",
                    lambda md, t: content.GetPost(content_pb2.GetPostRequest(post_id=args.post_id), metadata=md, timeout=t),
                    lambda answer: {"id": answer.post.id, "author_id": answer.post.author_id, "text": answer.post.text})

    with grpc.insecure_channel(args.feed) as channel:
        client.health("feed-service", channel)
        feed = feed_pb2_grpc.FeedServiceStub(channel)
        client.call("feed-service", "nova.feed.v1.FeedService/GetFeed",
                    lambda md, t: feed.GetFeed(feed_pb2.GetFeedRequest(), metadata=md, timeout=t),
                    lambda answer: {"post_ids": [item.post.id for item in answer.items]},
                    lambda answer: None if any(item.post.id == args.post_id for item in answer.items)
                    else "the user's own post is not in their feed")

    with grpc.insecure_channel(args.search) as channel:
        client.health("search-service", channel)
        search = search_pb2_grpc.SearchServiceStub(channel)
        client.call("search-service", "nova.search.v1.SearchService/SearchUsers",
                    lambda md, t: search.SearchUsers(search_pb2.SearchUsersRequest(query=args.username), metadata=md,
                                                     timeout=t),
                    lambda answer: {"user_ids": [hit.user_id for hit in answer.hits]},
                    lambda answer: None if any(hit.user_id == args.user_id for hit in answer.hits)
                    else "the user is not found by their username")

    with grpc.insecure_channel(args.messaging) as channel:
        client.health("messaging-service", channel)
        messaging = messaging_pb2_grpc.MessagingServiceStub(channel)
        client.call("messaging-service", "nova.messaging.v1.MessagingService/GetUnreadCount",
                    lambda md, t: messaging.GetUnreadCount(messaging_pb2.GetUnreadCountRequest(), metadata=md,
                                                           timeout=t),
                    lambda answer: {"unread_messages": answer.unread_messages,
                                    "unread_conversations": answer.unread_conversations})

    with grpc.insecure_channel(args.media) as channel:
        client.health("media-service", channel)
        media = media_pb2_grpc.MediaServiceStub(channel)
        # Client streaming: the metadata, then the bytes (one chunk), then the half-close.
        upload = [media_pb2.UploadRequest(metadata=media_pb2.UploadMetadata(
                      content_type="image/png", size_bytes=len(PIXEL_PNG), file_name="pixel.png",
                      sha256=hashlib.sha256(PIXEL_PNG).hexdigest())),
                  media_pb2.UploadRequest(chunk=PIXEL_PNG)]
        client.call("media-service", "nova.media.v1.MediaService/Upload",
                    lambda md, t: media.Upload(iter(upload), metadata=md, timeout=t),
                    lambda answer: {"id": answer.media.id, "owner_id": answer.media.owner_id,
                                    "content_type": answer.media.content_type,
                                    "size_bytes": answer.media.size_bytes, "sha256": answer.media.sha256},
                    lambda answer: None if answer.media.sha256 == hashlib.sha256(PIXEL_PNG).hexdigest()
                    else "the stored file's SHA-256 is not the uploaded one's")

    with grpc.insecure_channel(args.streaming) as channel:
        client.health("streaming-service", channel)
        streaming = streaming_pb2_grpc.StreamingServiceStub(channel)
        starting = streaming_pb2.StreamStatus.Value("STREAM_STATUS_STARTING")
        started = client.call("streaming-service", "nova.streaming.v1.StreamingService/StartStream",
                    lambda md, t: streaming.StartStream(
                        streaming_pb2.StartStreamRequest(title="Python says hello"), metadata=md, timeout=t),
                    lambda answer: {"id": answer.stream.id, "owner_id": answer.stream.owner_id,
                                    "status": streaming_pb2.StreamStatus.Name(answer.stream.status),
                                    "stream_key_set": bool(answer.stream_key)},
                    lambda answer: None if answer.stream.status == starting and answer.stream_key
                    else "a new stream is not STARTING with a key")
        if started is not None:
            stream_id = started.stream.id
            # Server streaming: the stream's state at once; then the client cancels, and ends the stream.
            client.call("streaming-service", "nova.streaming.v1.StreamingService/WatchStream",
                        lambda md, t: first_update(streaming.WatchStream(
                            streaming_pb2.WatchStreamRequest(stream_id=stream_id), metadata=md, timeout=t)),
                        lambda answer: {"status": streaming_pb2.StreamStatus.Name(answer.status),
                                        "viewer_count": answer.viewer_count},
                        lambda answer: None if answer.status == starting else "the first update is not STARTING")
            client.call("streaming-service", "nova.streaming.v1.StreamingService/EndStream",
                        lambda md, t: streaming.EndStream(streaming_pb2.EndStreamRequest(stream_id=stream_id),
                                                          metadata=md, timeout=t),
                        lambda answer: {"status": streaming_pb2.StreamStatus.Name(answer.stream.status)},
                        lambda answer: None
                        if answer.stream.status == streaming_pb2.StreamStatus.Value("STREAM_STATUS_ENDED")
                        else "the stream did not end")

    with grpc.insecure_channel(args.gateway) as channel:
        client.health("api-gateway", channel)
        discovery = discovery_pb2_grpc.DiscoveryServiceStub(channel)
        client.call("api-gateway", "nova.gateway.v1.DiscoveryService/ListServices",
                    lambda md, t: discovery.ListServices(discovery_pb2.ListServicesRequest(), metadata=md, timeout=t),
                    lambda answer: {"services": sorted(s.name for s in answer.services)})

    if client.failures:
        print("%d call(s) failed" % client.failures, file=sys.stderr)
    return 1 if client.failures else 0


if __name__ == "__main__":
    sys.exit(main())
