# shellcheck shell=bash
# Platform images for Nova: official ones where a registry answers, local Debian-built
# equivalents where none does. Sourced by ./nova; the Java side (PlatformImages) applies the
# same rule per image: the official tag if it is present, else the local one if built.
#
# NOVA_IMAGES=auto (default) | official | local forces the choice.
#
# The caller defines ROOT, say, apt_install and mvnw (the Maven wrapper with -B -ntp).

NOVA_DEBIAN_MIRROR=${NOVA_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# name|official tag|local tag|Dockerfile dir|base|staged artifact
#   base: a Debian suite (the image is built on nova/debian:<suite>), or the name of an earlier entry
#     (built on that entry's local image, and rebuilt whenever that image is)
#   staged artifact: Maven coordinates (groupId:artifactId:version[:type[:classifier]]) copied into the
#     Dockerfile folder from the local Maven repository before the build (gitignored), or nothing
NOVA_PLATFORM_IMAGES=(
  "consul|hashicorp/consul:1.20|nova/consul:1.8.7|consul|bullseye|"
  "postgres|postgres:16|nova/postgres:local|nova-harness/images/postgres|trixie|"
  "redis|redis:7|nova/redis:local|nova-harness/images/redis|trixie|"
  "java-runtime|eclipse-temurin:21-jre|nova/java-runtime:21|nova-harness/images/java-runtime|trixie|"
  # GreenMail's standalone jar on the Java runtime image.
  "mail|greenmail/standalone:2.1.8|nova/greenmail:2.1.8|nova-harness/images/greenmail|java-runtime|com.icegreen:greenmail-standalone:2.1.8"
  # Keycloak (the OpenID Connect provider, issue 16): its distribution, the tar.gz the official image
  # is made from, on the Java runtime image.
  "oidc|quay.io/keycloak/keycloak:26.7.3|nova/keycloak:26.7.3|nova-harness/images/keycloak|java-runtime|org.keycloak:keycloak-quarkus-dist:26.7.3:tar.gz"
  # S3Proxy (the S3-compatible object store, filesystem backend): its runnable jar, the one the
  # official image runs, on the Java runtime image.
  "objectstore|andrewgaul/s3proxy:s3proxy-4.1.0|nova/s3proxy:4.1.0|nova-harness/images/s3proxy|java-runtime|org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies"
)

# Pinned (the version Helidon's application parent builds services with, so it is in the local
# repository after any build), not the newest Maven would look up for the prefix.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.0

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# A hash of a Dockerfile folder: an image is rebuilt only when its sources changed.
source_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }

image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }

# The file name Maven's dependency plugin gives the artifact groupId:artifactId:version[:type[:classifier]]
# (artifactId-version[-classifier].type).
staged_file() {
  local artifact version type classifier
  IFS=: read -r _ artifact version type classifier <<<"$1"
  echo "$artifact-$version${classifier:+-$classifier}.${type:-jar}"
}

# Puts a Maven artifact into a Dockerfile folder (gitignored), from the local Maven repository:
# Maven Central fills that the first time, so later builds need no network.
stage_artifact() {
  local coordinates=$1 dir=$2 file log
  file=$(staged_file "$coordinates")
  [ -f "$dir/$file" ] && return 0
  log="/tmp/nova-build-stage-$file.log"
  local copy=(-q -N -f "$ROOT/pom.xml" "$DEPENDENCY_PLUGIN:copy" "-Dartifact=$coordinates" "-DoutputDirectory=$dir")
  if ! mvnw -o "${copy[@]}" >/dev/null 2>&1; then
    say RETRY "$coordinates is not in the local Maven repository; fetching it from Maven Central"
    mvnw "${copy[@]}" >"$log" 2>&1 || { say FAIL "cannot fetch $coordinates (log: $log)"; return 1; }
  fi
  say OK "$file in $dir"
}

# The local tag of the entry named $1.
local_tag_of() {
  local entry name local
  for entry in "${NOVA_PLATFORM_IMAGES[@]}"; do
    IFS='|' read -r name _ local _ <<<"$entry"
    [ "$name" = "$1" ] && { echo "$local"; return 0; }
  done
  return 1
}

# Builds nova/debian:<suite> from debootstrap unless it exists.
ensure_debian_base() {
  local suite=$1 tag="nova/debian:$1"
  if image_present "$tag"; then return 0; fi
  command -v debootstrap >/dev/null || apt_install debootstrap || return 1
  local dir; dir=$(mktemp -d /tmp/nova-debootstrap.XXXXXX)
  if ! debootstrap --variant=minbase "$suite" "$dir" "$NOVA_DEBIAN_MIRROR" >"$dir.log" 2>&1; then
    say FAIL "debootstrap $suite failed (log: $dir.log)"; rm -rf "$dir"; return 1
  fi
  tar -C "$dir" -c . | docker import - "$tag" >/dev/null
  rm -rf "$dir" "$dir.log"
  say BUILT "$tag (Debian $suite, debootstrap)"
}

build_local_image() {
  local name=$1 tag=$2 dir=$3 base_of=$4 artifact=$5 base hash parent=
  if [ -n "$artifact" ]; then stage_artifact "$artifact" "$ROOT/$dir" || return 1; fi
  if base=$(local_tag_of "$base_of"); then parent=$base; else base="nova/debian:$base_of"; fi
  hash=$(source_hash "$ROOT/$dir")
  if [ -n "$parent" ]; then
    # Rebuilt when the image it is built on is, like the service images built on the Java runtime.
    local id; id=$(image_id "$parent") || { say FAIL "$name: $parent is not built (it must come earlier in NOVA_PLATFORM_IMAGES)"; return 1; }
    hash="$hash-$(cut -c1-16 <<<"${id#sha256:}")"
  fi
  if image_present "$tag" && [ "$(image_label "$tag" nova.source-hash)" = "$hash" ]; then
    say OK "image $tag (local, up to date)"; return 0
  fi
  if [ -z "$parent" ]; then ensure_debian_base "$base_of" || return 1; fi
  local started=$SECONDS
  if ! docker build -q --build-arg "BASE_IMAGE=$base" --label "nova.source-hash=$hash" \
      -t "$tag" "$ROOT/$dir" >"/tmp/nova-build-$name.log" 2>&1; then
    say FAIL "docker build $tag failed (log: /tmp/nova-build-$name.log)"; return 1
  fi
  # What the build left untagged: a multi-stage build's first stage (Keycloak's unpacked
  # distribution), the image this one replaced. Docker keeps any that a container still uses.
  docker image prune -f --filter dangling=true --filter label=nova.source-hash >/dev/null 2>&1 || true
  say BUILT "image $tag from $dir on $base ($((SECONDS - started)) s)"
}

registry_answers() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }

ensure_platform_images() {
  local mode=${NOVA_IMAGES:-auto} entry name official local dir base artifact
  if [ "$mode" = auto ]; then
    IFS='|' read -r _ official _ <<<"${NOVA_PLATFORM_IMAGES[0]}"
    if image_present "$official" || registry_answers "$official"; then mode=official; else mode=local; fi
    say OK "images: $mode (NOVA_IMAGES=auto; a registry $([ $mode = official ] && echo answers || echo does not answer))"
  fi
  for entry in "${NOVA_PLATFORM_IMAGES[@]}"; do
    IFS='|' read -r name official local dir base artifact <<<"$entry"
    case "$mode" in
      official)
        if image_present "$official" || docker pull -q "$official" >/dev/null 2>&1; then
          say OK "image $official (official)"
        else say FAIL "cannot pull $official; try NOVA_IMAGES=local"; return 1; fi ;;
      local) build_local_image "$name" "$local" "$dir" "$base" "$artifact" || return 1 ;;
      *) say FAIL "NOVA_IMAGES must be auto, official or local (was '$mode')"; return 1 ;;
    esac
  done
  # nova/debian:trixie is also an image of its own (PlatformImages.DEBIAN): nova-harness builds its
  # Python gRPC client on it when a test needs it, so keep it even where the images above are built.
  if [ "$mode" = local ]; then ensure_debian_base trixie || return 1; fi
  export NOVA_IMAGES=$mode
}
