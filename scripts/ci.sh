# Nova's CI stages, releases and the polyrepo split: sourced by ./nova in the monorepo and, copied
# as .ci/ci.sh, by the `nova` script of every repository `./nova split` makes. Jenkinsfiles only
# call these (`./nova ci <stage> <artifactId>`), so every step a pipeline takes is a command a
# person can run, and each is exercised by `./nova test` (nova-harness's SplitIT).
#
# The caller defines: ROOT (the repository), say/die, mvnw (the Maven wrapper with -B -ntp) and
# module_dir <artifactId> (the module's folder, relative to ROOT). Optional environment:
#   NOVA_REPOSITORY_URL   the release repository (default file://$HOME/.nova/releases); a repository
#                         manager (Reposilite, Nexus) by its URL, credentials as server id "nova"
#   NOVA_MAVEN_ARGS       extra Maven arguments for every stage (e.g. -o, -Dmaven.repo.local=...)
#   NOVA_BASE_IMAGE       the Java 21 runtime image services build on (default: the platform's)
#   NOVA_IMAGE_REGISTRY   where `publish` pushes service images (none: the image stays local)
# shellcheck shell=bash

export NOVA_REPOSITORY_URL=${NOVA_REPOSITORY_URL:-file://$HOME/.nova/releases}
NOVA_GROUP_PATH=social/nova

ci_mvn() {
  # shellcheck disable=SC2086
  mvnw ${NOVA_MAVEN_ARGS:-} -Dnova.repository.url="$NOVA_REPOSITORY_URL" "$@"
}

# pom_values <element> <pom>...: per POM, one line with a direct child of <project> (artifactId,
# version, packaging), the parent's version when the project declares none (as Maven inherits it);
# an empty line if absent. One Python start for all of them: a start costs about 0.3 s here, and
# module_dir asking POM by POM made `./nova release all` spend a minute finding folders.
pom_values() {
  python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
element = sys.argv[1]
for pom in sys.argv[2:]:
    project = ET.parse(pom).getroot()
    ns = {"m": project.tag[1:].split("}")[0]} if project.tag.startswith("{") else {}
    def child(node, name):
        found = node.find(("m:" if ns else "") + name, ns)
        return found.text.strip() if found is not None and found.text else None
    value = child(project, element)
    if value is None and element in ("version", "groupId"):
        parent = project.find(("m:" if ns else "") + "parent", ns)
        value = child(parent, element) if parent is not None else None
    print(value or "")
PY
}
pom_value() { pom_values "$2" "$1"; }
pom_version() { pom_value "$1" version; }
pom_packaging() { local p; p=$(pom_value "$1" packaging); echo "${p:-jar}"; }
is_service() { [ -f "$ROOT/$1/Dockerfile" ]; }

# --- the machine: a JDK of 21 or later (also the split repositories' only need besides Docker) ----

is_root_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; }
APT_UPDATED=
apt_install() {
  is_root_debian || return 1
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/tmp/nova-apt.log 2>&1
}
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v javac >/dev/null && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c"); [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && { echo "$c"; return 0; }
  done
  return 1
}

ensure_jdk() {
  local jdk
  if ! jdk=$(find_jdk); then
    apt_install openjdk-21-jdk-headless || apt_install openjdk-25-jdk-headless || true
    jdk=$(find_jdk) || die "no JDK >= 21 found (set JAVA_HOME to one; Nova compiles with --release 21)"
  fi
  export JAVA_HOME=$jdk PATH="$jdk/bin:$PATH"
  say OK "JDK $(java_major "$jdk") at $jdk"
}

# --- the release repository ----------------------------------------------------------------------

repo_is_file() { [[ "$NOVA_REPOSITORY_URL" == file://* ]]; }
repo_path() { echo "${NOVA_REPOSITORY_URL#file://}"; }

# The released versions of an artifact, oldest first (from the repository's maven-metadata.xml).
released_versions() {
  local artifact=$1 metadata
  if repo_is_file; then
    metadata=$(cat "$(repo_path)/$NOVA_GROUP_PATH/$artifact/maven-metadata.xml" 2>/dev/null || true)
  else
    metadata=$(curl -fsS ${NOVA_REPOSITORY_USERNAME:+-u "$NOVA_REPOSITORY_USERNAME:$NOVA_REPOSITORY_PASSWORD"} \
      "$NOVA_REPOSITORY_URL/$NOVA_GROUP_PATH/$artifact/maven-metadata.xml" 2>/dev/null || true)
  fi
  sed -n 's:.*<version>\([^<]*\)</version>.*:\1:p' <<<"$metadata" | sort -V
}

# The newest release older than <version>, or nothing.
previous_release() {
  local artifact=$1 version=$2 v previous=
  while read -r v; do
    [ -n "$v" ] || continue
    [ "$(printf '%s\n%s\n' "$v" "$version" | sort -V | head -1)" = "$v" ] && [ "$v" != "$version" ] && previous=$v
  done < <(released_versions "$artifact")
  echo "$previous"
}

fetch_released_jar() { # fetch_released_jar <artifact> <version> <destination>
  local artifact=$1 version=$2 to=$3 path="$NOVA_GROUP_PATH/$1/$2/$1-$2.jar"
  mkdir -p "$(dirname "$to")"
  if repo_is_file; then cp "$(repo_path)/$path" "$to"
  else curl -fsS ${NOVA_REPOSITORY_USERNAME:+-u "$NOVA_REPOSITORY_USERNAME:$NOVA_REPOSITORY_PASSWORD"} \
      -o "$to" "$NOVA_REPOSITORY_URL/$path"; fi
}

major() { echo "${1%%.*}"; }

# The platform's images (nova/consul, nova/postgres, nova/redis, nova/java-runtime) come from the
# platform's `./nova doctor` or a registry; a split repository only checks the engine answers.
need_docker() { docker info >/dev/null 2>&1 || die "no Docker engine answers: $1 (start one; ./nova doctor does on the platform)"; }

# --- stages ----------------------------------------------------------------------------------------

# ci_stage <stage> <artifactId>
ci_stage() {
  local stage=$1 artifact=$2 dir pom
  dir=$(module_dir "$artifact") || die "no module with artifactId '$artifact'"
  pom="$ROOT/$dir/pom.xml"
  local started=$SECONDS
  say STAGE "$stage $artifact ($dir)"
  case "$stage" in
    quality)
      # Formatting and style (also checked at verify in every build), then SpotBugs on the classes.
      ci_mvn -f "$pom" -DskipTests process-test-classes \
        com.diffplug.spotless:spotless-maven-plugin:check \
        org.apache.maven.plugins:maven-checkstyle-plugin:check \
        com.github.spotbugs:spotbugs-maven-plugin:check ;;
    build) ci_mvn -f "$pom" -DskipTests package ;;
    unit) ci_mvn -f "$pom" test ;;
    integration)
      # Failsafe's *IT classes (real Consul, PostgreSQL and Redis in containers); unit tests ran before.
      need_docker "the integration tests run Consul, PostgreSQL and Redis in containers"
      ci_mvn -f "$pom" verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false ;;
    contract-gate) ci_contract_gate "$artifact" "$dir" ;;
    api-compat) ci_api_compat "$artifact" "$dir" "$(pom_version "$pom")" ;;
    image) ci_image "$artifact" "$dir" ;;
    publish)
      if is_service "$dir"; then ci_publish_image "$artifact" "$dir"
      else ci_publish_library "$artifact" "$dir"; fi ;;
    deploy) ci_deploy "$artifact" "$dir" ;;
    *) die "unknown stage '$stage' (quality build unit integration contract-gate api-compat image publish deploy)" ;;
  esac
  say TIME "$stage $artifact: $((SECONDS - started)) s"
}

# Every stage of a module's pipeline up to the artifact (image or API check); not publish/deploy.
# A Jenkinsfile runs the stages one by one, each a Maven run of its own, so that its view shows
# which one failed. Here the Maven stages (quality, build, unit and, for a service, integration)
# run in ONE Maven invocation, in the same order: quality's checks first (fail fast), then the
# lifecycle up to the last stage's phase. Five Maven starts per pipeline each loaded the project
# and its plugins again and repeated the compile, format and style checks of the stage before
# (SplitIT's CI table has the figures before and after).
ci_pipeline() {
  local artifact=$1 dir stages stage started=$SECONDS timings=() maven phase at
  dir=$(module_dir "$artifact") || die "no module with artifactId '$artifact'"
  if is_service "$dir"; then maven="quality build unit integration"; phase=verify; stages="contract-gate image"
    need_docker "the integration tests run Consul, PostgreSQL and Redis in containers"
  elif [ "$artifact" = nova-contracts ]; then maven="quality build unit"; phase=package; stages="contract-gate api-compat"
  else maven="quality build unit"; phase=package; stages="api-compat"; fi
  at=$SECONDS
  say STAGE "${maven// /, } $artifact ($dir): one Maven run"
  ci_mvn -f "$ROOT/$dir/pom.xml" process-test-classes \
    com.diffplug.spotless:spotless-maven-plugin:check \
    org.apache.maven.plugins:maven-checkstyle-plugin:check \
    com.github.spotbugs:spotbugs-maven-plugin:check \
    "$phase" || die "${maven// /, } of $artifact failed"
  local PIPELINE_ENFORCED=1 # seen by ci_contract_gate (bash's dynamic scope)
  timings+=("${maven// /+}=$((SECONDS - at))")
  for stage in $stages; do
    at=$SECONDS
    ci_stage "$stage" "$artifact"
    timings+=("$stage=$((SECONDS - at))")
  done
  # One line with every stage's time: SplitIT reads it into the report's CI table.
  say TIME "pipeline $artifact: $((SECONDS - started)) s (${timings[*]})"
}

# The contracts' gate: buf lint and buf breaking against the last release (ContractGateTest).
# A service's gate: it compiles against released contracts only (the enforcer's rule, at build),
# and where the platform's harness is at hand (the monorepo), every consumer contract that names
# it as provider is verified against the running stack.
ci_contract_gate() {
  local artifact=$1 dir=$2
  if [ "$artifact" = nova-contracts ]; then
    ci_mvn -f "$ROOT/$dir/pom.xml" test -Dtest=ContractGateTest -Dsurefire.failIfNoSpecifiedTests=false
    return
  fi
  # Within `ci pipeline`, its one Maven run has just enforced this (nova-released-dependencies, at
  # validate): a Maven start of its own for the same rule took 4-16 s per split pipeline.
  if [ -n "${PIPELINE_ENFORCED:-}" ]; then
    say OK "$artifact compiles against released contracts only (enforced by this pipeline's build)"
  else
    ci_mvn -f "$ROOT/$dir/pom.xml" -DskipTests -Dspotless.check.skip=true -Dcheckstyle.skip=true validate
  fi
  if [ -f "$ROOT/nova-harness/pom.xml" ]; then
    ci_mvn -f "$ROOT/nova-harness/pom.xml" verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
      -Dit.test=ConsumerContractsIT -Dfailsafe.failIfNoSpecifiedTests=false -Dnova.contracts.provider="$artifact"
  else
    say SKIP "provider verification of $artifact runs with the platform's stack (nova-harness ConsumerContractsIT)"
  fi
}

# japicmp against the newest earlier release: a break in binary or source compatibility fails
# unless the major version grows.
ci_api_compat() {
  local artifact=$1 dir=$2 version=$3 pom="$ROOT/$2/pom.xml" previous baseline brk=true
  if [ "$(pom_packaging "$pom")" = pom ]; then say OK "$artifact is a POM (parent and BOM): no Java API"; return; fi
  previous=$(previous_release "$artifact" "$version")
  if [ -z "$previous" ]; then say OK "$artifact $version: no earlier release in $NOVA_REPOSITORY_URL to compare"; return; fi
  baseline="$ROOT/$dir/target/api-baseline/$artifact-$previous.jar"
  fetch_released_jar "$artifact" "$previous" "$baseline" || die "cannot fetch $artifact $previous from $NOVA_REPOSITORY_URL"
  [ "$(major "$version")" -gt "$(major "$previous")" ] && brk=false
  say CHECK "$artifact $version against release $previous (japicmp; breaking changes $([ $brk = true ] && echo fail || echo "allowed: major bump"))"
  ci_mvn -f "$pom" -DskipTests package com.github.siom79.japicmp:japicmp-maven-plugin:cmp \
    -Dnova.api.baseline.jar="$baseline" -Dnova.api.break=$brk \
    || die "$artifact $version breaks the API of $previous (report: $dir/target/japicmp/): a breaking change needs a major version ($(( $(major "$previous") + 1 )).0.0)"
}

ci_image_tag() { echo "nova/$1:$(pom_version "$ROOT/$2/pom.xml")"; }

ci_image() {
  local artifact=$1 dir=$2 tag commit version
  is_service "$dir" || die "$artifact has no Dockerfile: only services have images"
  need_docker "the image is built with docker build"
  version=$(pom_version "$ROOT/$dir/pom.xml")
  tag=$(ci_image_tag "$artifact" "$dir")
  commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  [ -f "$ROOT/$dir/target/$artifact.jar" ] || ci_mvn -f "$ROOT/$dir/pom.xml" -DskipTests package
  docker build -q --build-arg "BASE_IMAGE=${NOVA_BASE_IMAGE:-nova/java-runtime:21}" --build-arg "GIT_COMMIT=$commit" \
    --label "org.opencontainers.image.title=$artifact" --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.revision=$commit" -t "$tag" "$ROOT/$dir" >/dev/null \
    || die "docker build of $tag failed"
  say OK "image $tag (version $version, commit ${commit:0:12})"
}

ci_publish_image() {
  local artifact=$1 dir=$2 tag
  tag=$(ci_image_tag "$artifact" "$dir")
  if [ -z "${NOVA_IMAGE_REGISTRY:-}" ]; then
    say SKIP "no NOVA_IMAGE_REGISTRY: $tag stays in this machine's Docker (no registry is reachable here)"
    return
  fi
  docker tag "$tag" "$NOVA_IMAGE_REGISTRY/$tag" && docker push "$NOVA_IMAGE_REGISTRY/$tag"
}

# A library is published by releasing its version, once: the same version is never published twice.
ci_publish_library() {
  local artifact=$1 dir=$2 version
  version=$(pom_version "$ROOT/$dir/pom.xml")
  if released_versions "$artifact" | grep -qx "$version"; then
    say OK "$artifact $version is already released"; return
  fi
  nova_release "$artifact" "$version"
}

# Deploy to the running `./nova up` stack (the harness's `up`): the service's image is rebuilt from
# the jar just built and each changed instance replaced rolling, a surge instance passing its Consul
# checks before the old one is drained (NovaStack.startOrRoll). A split repository has no stack of
# its own: it deploys through the platform's.
ci_deploy() {
  local artifact=$1 dir=$2
  is_service "$dir" || die "$artifact is a library: it is published, not deployed"
  declare -F harness >/dev/null \
    || die "deploying needs the platform's stack: run \`./nova ci deploy $artifact\` in the platform's checkout"
  harness status >/dev/null || die "no running ./nova up stack to deploy $artifact to (./nova up first)"
  harness up
}

# --- releases --------------------------------------------------------------------------------------

# nova_release <artifactId> <version>: checks the API against the previous release (japicmp), tags
# <artifactId>-v<version> and publishes to NOVA_REPOSITORY_URL. The version must be the POM's (the
# bump is a reviewed change of its own), the tree clean, and the version not yet released.
nova_release() {
  local artifact=$1 version=$2 dir
  dir=$(module_dir "$artifact") || die "no module with artifactId '$artifact'"
  release_checks "$artifact" "$dir" "$version"
  release_publish "$dir"
  release_tag "$artifact" "$version"
}

release_checks() {
  local artifact=$1 dir=$2 version=$3 tag="$1-v$3"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "a release version is MAJOR.MINOR.PATCH (was '$version')"
  [ "$(pom_version "$ROOT/$dir/pom.xml")" = "$version" ] \
    || die "$dir/pom.xml is at $(pom_version "$ROOT/$dir/pom.xml"), not $version: bump it in a change of its own first"
  [ -z "$(git -C "$ROOT" status --porcelain -- "$dir")" ] || die "$dir has uncommitted changes: release from a clean checkout"
  if released_versions "$artifact" | grep -qx "$version"; then
    die "$artifact $version is already released in $NOVA_REPOSITORY_URL"
  fi
  if git -C "$ROOT" rev-parse -q --verify "refs/tags/$tag" >/dev/null \
      && [ "$(git -C "$ROOT" rev-list -n1 "$tag")" != "$(git -C "$ROOT" rev-parse HEAD)" ]; then
    die "tag $tag already marks another commit"
  fi
  ci_api_compat "$artifact" "$dir" "$version"
}

release_publish() { # release_publish <dir>...: one Maven run deploys them all, in reactor order
  local list; list=$(IFS=,; echo "$*")
  if [ $# -eq 1 ]; then set -- -f "$ROOT/$1/pom.xml"; else set -- -f "$ROOT/pom.xml" -pl "$list"; fi
  ci_mvn "$@" -DskipTests deploy -DaltDeploymentRepository="nova::$NOVA_REPOSITORY_URL" \
    || die "publishing $list to $NOVA_REPOSITORY_URL failed"
}

release_tag() {
  git -C "$ROOT" tag -f -a "$1-v$2" -m "$1 $2" >/dev/null
  say OK "released $1 $2 to $NOVA_REPOSITORY_URL (tag $1-v$2)"
}

# The platform's libraries in dependency order (nova-parent first): what `./nova release all` publishes.
RELEASE_TRAIN="nova-parent nova-error-types nova-testing nova-crypto-core nova-redis-utils nova-events
  nova-db-pool nova-mail nova-fcm-shared nova-discovery nova-rpc nova-service-kit nova-contracts nova-auth-client nova-contract-testing
  nova-service-testing"

# nova_release_all [version]: every library of the train not released yet at its POM's version
# (which must be <version> when given), checked one by one, then published in one Maven run.
nova_release_all() {
  local version=${1:-} artifact dir v artifacts=() dirs=() versions=() i
  for artifact in $RELEASE_TRAIN; do
    dir=$(module_dir "$artifact") || die "no module with artifactId '$artifact'"
    v=$(pom_version "$ROOT/$dir/pom.xml")
    if released_versions "$artifact" | grep -qx "$v"; then say OK "$artifact $v is already released"; continue; fi
    [ -z "$version" ] || [ "$v" = "$version" ] || die "$dir/pom.xml is at $v, not $version"
    release_checks "$artifact" "$dir" "$v"
    artifacts+=("$artifact"); dirs+=("$dir"); versions+=("$v")
  done
  [ ${#dirs[@]} -gt 0 ] || { say OK "every library is released"; return 0; }
  release_publish "${dirs[@]}"
  for i in "${!artifacts[@]}"; do release_tag "${artifacts[$i]}" "${versions[$i]}"; done
}

# --- the polyrepo split ----------------------------------------------------------------------------

# Files a split repository gets beside its module folder's own (pom.xml, Jenkinsfile, Dockerfile,
# README.md, src/): its build entry points. They are the monorepo's, so merge-back drops them again.
SPLIT_FILES="nova .ci/run .ci/ci.sh mvnw .mvn/wrapper/maven-wrapper.properties .mvn/jvm.config .mvn/maven.config .mvn/settings.xml .gitignore"

git_identity() { # a committer for machines without one (CI); a person's own identity wins
  git -C "$ROOT" config user.name >/dev/null || echo "-c user.name=nova -c user.email=nova@localhost"
}

# nova_split <artifactId> <dir>: a new git repository at <dir> holding the module alone, its history
# kept (git subtree split), plus one commit adding SPLIT_FILES. Its POM's parent is the released
# nova-parent (relativePath empty), so it builds against the release repository only.
nova_split() {
  local artifact=$1 to=$2 dir split ref identity
  dir=$(module_dir "$artifact") || die "no module with artifactId '$artifact'"
  [ -n "$to" ] || die "usage: ./nova split <artifactId> <dir>"
  [ ! -e "$to" ] || [ -z "$(ls -A "$to")" ] || die "$to exists and is not empty"
  [ -f "$ROOT/$dir/Jenkinsfile" ] || die "$dir has no Jenkinsfile: every module carries the pipeline its repository keeps"
  say STEP "splitting $dir (history kept: git subtree split)"
  split=$(git -C "$ROOT" subtree split -q --prefix="$dir" HEAD) || die "git subtree split of $dir failed"
  ref="refs/nova-split/$artifact"
  git -C "$ROOT" update-ref "$ref" "$split"
  mkdir -p "$to"
  git -C "$to" init -q -b main
  git -C "$to" fetch -q "$ROOT" "$ref" && git -C "$to" reset -q --hard FETCH_HEAD
  git -C "$ROOT" update-ref -d "$ref"

  install -m 755 "$ROOT/scripts/split-nova.sh" "$to/nova"
  mkdir -p "$to/.ci" "$to/.mvn/wrapper"
  cp "$ROOT/scripts/ci.sh" "$to/.ci/ci.sh"
  printf '#!/usr/bin/env bash\n# CI entry point of %s: its pipeline up to the image.\nset -euo pipefail\ncd "$(dirname "$0")/.."\nexec ./nova ci pipeline %s\n' \
    "$artifact" "$artifact" >"$to/.ci/run"
  chmod 755 "$to/.ci/run"
  install -m 755 "$ROOT/mvnw" "$to/mvnw"
  cp "$ROOT/.mvn/wrapper/maven-wrapper.properties" "$to/.mvn/wrapper/"
  cp "$ROOT/.mvn/jvm.config" "$to/.mvn/"
  cp "$ROOT/scripts/split-settings.xml" "$to/.mvn/settings.xml"
  echo "--settings=.mvn/settings.xml" >"$to/.mvn/maven.config"
  printf 'target/\n.mvn/wrapper/maven-wrapper.jar\n' >"$to/.gitignore"
  {
    echo "# Split from the Nova platform by ./nova split; ./nova merge-back reads this."
    echo "artifact=$artifact"
    echo "prefix=$dir"
    echo "source-commit=$(git -C "$ROOT" rev-parse HEAD)"
    echo "split-commit=$split"
    for f in $SPLIT_FILES; do echo "file=$f"; done
  } >"$to/.nova-split"
  identity=$(git_identity || true)
  # shellcheck disable=SC2086
  git -C "$to" add -A && git -C "$to" $identity commit -q \
    -m "Standalone build for $artifact: the nova CI commands, .ci/run, the Maven wrapper and the release repository settings"
  say OK "$artifact split into $to ($(git -C "$to" rev-list --count HEAD) commits; build: cd $to && .ci/run)"
}

# nova_merge_back <dir>: brings a split repository back under its monorepo folder with its history
# since the split (a rejoin commit records the split, then git subtree merge), and drops the
# standalone build files the monorepo provides.
nova_merge_back() {
  local from=$1 artifact dir base theirs rejoin identity files=() f
  [ -f "$from/.nova-split" ] || die "$from was not made by ./nova split (no .nova-split)"
  artifact=$(sed -n 's/^artifact=//p' "$from/.nova-split")
  dir=$(sed -n 's/^prefix=//p' "$from/.nova-split")
  base=$(sed -n 's/^split-commit=//p' "$from/.nova-split")
  [ -z "$(git -C "$ROOT" status --porcelain)" ] || die "the monorepo has uncommitted changes"
  [ -z "$(git -C "$from" status --porcelain)" ] || die "$from has uncommitted changes"
  git -C "$ROOT" fetch -q "$from" HEAD || die "cannot fetch $from"
  theirs=$(git -C "$ROOT" rev-parse FETCH_HEAD)
  git -C "$ROOT" merge-base --is-ancestor "$base" "$theirs" || die "$from's history does not start at its split $base"
  cmp -s "$from/.ci/ci.sh" "$ROOT/scripts/ci.sh" \
    || say WARN "$from/.ci/ci.sh differs from scripts/ci.sh: port its changes by hand, merge-back keeps the monorepo's"
  identity=$(git_identity || true)
  # shellcheck disable=SC2086
  rejoin=$(git -C "$ROOT" $identity commit-tree "HEAD^{tree}" -p HEAD -p "$base" \
    -m "Rejoin $dir: split as $base by ./nova split") || die "cannot record the split"
  git -C "$ROOT" update-ref -m "nova merge-back: rejoin" HEAD "$rejoin"
  # shellcheck disable=SC2086
  git -C "$ROOT" $identity subtree merge -q --prefix="$dir" "$theirs" \
    -m "Merge back $artifact from its repository ($(git -C "$ROOT" rev-list --count "$base..$theirs") commits since the split)" \
    || die "merging $from into $dir conflicts: resolve, commit, then drop its standalone files"
  for f in $(sed -n 's/^file=//p' "$from/.nova-split") .nova-split; do files+=("$dir/$f"); done
  git -C "$ROOT" rm -q -r --ignore-unmatch -- "${files[@]}"
  # shellcheck disable=SC2086
  git -C "$ROOT" $identity commit -q -m "Merge-back of $artifact: drop the standalone build files the monorepo provides"
  say OK "$artifact merged back into $dir"
}
