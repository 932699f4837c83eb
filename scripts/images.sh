# shellcheck shell=bash
# Platform images for Nova: official ones where a registry answers, local Debian-built
# equivalents where none does. Sourced by ./nova; the Java side (PlatformImages) applies the
# same rule per image: the official tag if it is present, else the local one if built.
#
# NOVA_IMAGES=auto (default) | official | local forces the choice.
#
# The caller defines ROOT, say, apt_install and mvnw (the Maven wrapper with -B -ntp).

NOVA_DEBIAN_MIRROR=${NOVA_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# name|official tag|local tag|Dockerfile dir|Debian base
NOVA_PLATFORM_IMAGES=(
  "consul|hashicorp/consul:1.20|nova/consul:1.8.7|consul|bullseye"
  "postgres|postgres:16|nova/postgres:local|nova-harness/images/postgres|trixie"
  "redis|redis:7|nova/redis:local|nova-harness/images/redis|trixie"
  "java-runtime|eclipse-temurin:21-jre|nova/java-runtime:21|nova-harness/images/java-runtime|trixie"
  "mail|greenmail/standalone:2.1.8|nova/greenmail:2.1.8|nova-harness/images/greenmail|trixie"
)

# The mail server's local stand-in is GreenMail's standalone jar on the Java runtime image above
# (built just before it), not on plain Debian.
GREENMAIL_ARTIFACT=com.icegreen:greenmail-standalone:2.1.8
GREENMAIL_JAR=greenmail-standalone-2.1.8.jar
MAIL_BASE_IMAGE=nova/java-runtime:21
# Pinned (the version Helidon's application parent builds services with, so it is in the local
# repository after any build), not the newest Maven would look up for the prefix.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.0

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# A hash of a Dockerfile folder: an image is rebuilt only when its sources changed.
source_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }

image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }

# Puts GreenMail's jar into the mail image's Dockerfile folder (gitignored), from the local Maven
# repository: Maven Central fills that the first time, so later builds need no network.
stage_greenmail_jar() {
  local dir=$1
  [ -f "$dir/$GREENMAIL_JAR" ] && return 0
  local copy=(-q -N -f "$ROOT/pom.xml" "$DEPENDENCY_PLUGIN:copy" "-Dartifact=$GREENMAIL_ARTIFACT" "-DoutputDirectory=$dir")
  if ! mvnw -o "${copy[@]}" >/dev/null 2>&1; then
    say RETRY "$GREENMAIL_ARTIFACT is not in the local Maven repository; fetching it from Maven Central"
    mvnw "${copy[@]}" >/tmp/nova-build-mail-jar.log 2>&1 \
      || { say FAIL "cannot fetch $GREENMAIL_ARTIFACT (log: /tmp/nova-build-mail-jar.log)"; return 1; }
  fi
  say OK "$GREENMAIL_JAR in $dir"
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
  local name=$1 tag=$2 dir=$3 suite=$4 base="nova/debian:$4" hash runtime
  if [ "$name" = mail ]; then
    stage_greenmail_jar "$ROOT/$dir" || return 1
    base=$MAIL_BASE_IMAGE
  fi
  hash=$(source_hash "$ROOT/$dir")
  if [ "$base" = "$MAIL_BASE_IMAGE" ]; then
    # Rebuilt when the Java runtime is, like the service images built on it.
    runtime=$(image_id "$base"); hash="$hash-$(cut -c1-16 <<<"${runtime#sha256:}")"
  fi
  if image_present "$tag" && [ "$(image_label "$tag" nova.source-hash)" = "$hash" ]; then
    say OK "image $tag (local, up to date)"; return 0
  fi
  ensure_debian_base "$suite" || return 1
  if ! docker build -q --build-arg "BASE_IMAGE=$base" --label "nova.source-hash=$hash" \
      -t "$tag" "$ROOT/$dir" >"/tmp/nova-build-$name.log" 2>&1; then
    say FAIL "docker build $tag failed (log: /tmp/nova-build-$name.log)"; return 1
  fi
  say BUILT "image $tag from $dir"
}

registry_answers() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }

ensure_platform_images() {
  local mode=${NOVA_IMAGES:-auto} entry name official local dir suite
  if [ "$mode" = auto ]; then
    IFS='|' read -r _ official _ _ _ <<<"${NOVA_PLATFORM_IMAGES[0]}"
    if image_present "$official" || registry_answers "$official"; then mode=official; else mode=local; fi
    say OK "images: $mode (NOVA_IMAGES=auto; a registry $([ $mode = official ] && echo answers || echo does not answer))"
  fi
  for entry in "${NOVA_PLATFORM_IMAGES[@]}"; do
    IFS='|' read -r name official local dir suite <<<"$entry"
    case "$mode" in
      official)
        if image_present "$official" || docker pull -q "$official" >/dev/null 2>&1; then
          say OK "image $official (official)"
        else say FAIL "cannot pull $official; try NOVA_IMAGES=local"; return 1; fi ;;
      local) build_local_image "$name" "$local" "$dir" "$suite" || return 1 ;;
      *) say FAIL "NOVA_IMAGES must be auto, official or local (was '$mode')"; return 1 ;;
    esac
  done
  # nova/debian:trixie is also an image of its own (PlatformImages.DEBIAN): nova-harness builds its
  # Python gRPC client on it when a test needs it, so keep it even where the images above are built.
  if [ "$mode" = local ]; then ensure_debian_base trixie || return 1; fi
  export NOVA_IMAGES=$mode
}
