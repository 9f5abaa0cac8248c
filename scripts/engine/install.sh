#!/usr/bin/env bash
# Provide a real Pulumi engine (the `pulumi` CLI) plus the Python helper executables it launches.
#
# Prints, as the LAST line on stdout, the directory holding `pulumi` and the helpers; every log line
# goes to stderr. Idempotent: with a warm cache it only refreshes the helper scripts (cmp + copy) and
# returns in well under a second.
#
# The built binary is cached once per machine; the directory printed is per checkout
# (<checkout>/.pulumi-engine/bin: a hard link to the cached binary, or a copy, plus this checkout's
# helpers), so several checkouts (git worktrees) with different helpers never overwrite each other's.
#
# Resolution order:
#   1. A `pulumi` >= 3.200 already on PATH (not one we built) is used as is, unless
#      PULUMI_FIREWORKS_BUILD_ENGINE=1. An official install ships the real Python language host and
#      dynamic-provider shim next to its binary, so we add nothing to it.
#   2. Otherwise the engine is built from source with the Go toolchain into
#      ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-fireworks/engine/v3.274.1/bin (outside the work tree).
#
# Why build from source: this machine reaches package registries only. The Pulumi CLI is a Go module
# (github.com/pulumi/pulumi/pkg/v3) that the Go module proxy serves, so it can be compiled here.
# The Python language host is a *separate* Go module,
# github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, and the (filtered) module proxy
# REFUSES it: `@v/list` is empty and `@latest`, `@v/master.info`, `@v/v3.274.1.info` answer
# HTTP 403 "This module version is not available." So we ship our own language host
# (scripts/engine/language_host.py with its langhost_*.py modules, wrapped as
# `pulumi-language-python`) and copy it next to the binary, where the engine looks for "bundled"
# language plugins.
set -euo pipefail

PULUMI_ENGINE_VERSION="v3.274.1"
# The YAML language host (its own Go module, which the proxy serves): YAML programs run the
# provider plugin `pulumi-resource-fireworks` in tests/engine/test_plugin.py. About a minute to
# build once the engine's modules are cached.
PULUMI_YAML_VERSION="v1.25.0"
# gen-nodejs-sdk (scripts/engine/gen-nodejs-sdk/main.go): the engine's own TypeScript code generator,
# which `pulumi package gen-sdk --language nodejs` reaches only through the Node.js language host
# (refused by the module proxy). Built in the engine's module graph; rebuilt when main.go changes.
# github.com/pulumi/pulumi/pkg/v3's go.mod replaces atotto/clipboard with a fork. The fork's only
# change is loading user32.dll lazily on Windows (atotto loads it in init() and crashes the whole
# process when that fails; pulumi/pulumi#19342). On Linux the code is identical, so the replace
# does not matter for us; we keep it anyway because the proxy serves the fork, it builds, and it
# keeps our binary's dependency graph identical to the upstream release build.
CLIPBOARD_FORK="github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

log() { printf 'engine/install: %s\n' "$*" >&2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-fireworks/engine/${PULUMI_ENGINE_VERSION}"
bin_dir="${cache_root}/bin"
checkout_bin="$(cd "${script_dir}/../.." && pwd)/.pulumi-engine/bin"

# Helper executables that must sit next to the `pulumi` binary we build.
helpers=(
    pulumi-language-python
    pulumi-language-python-exec
    language_host.py
    langhost_toolchain.py
    langhost_probe.py
    pulumi-resource-pulumi-python
    warm_python.py
)

version_at_least_3_200() {
    # $1 like v3.274.1 or 3.274.1-dev; succeeds when major.minor >= 3.200
    local v="${1#v}" major minor
    major="${v%%.*}"
    minor="${v#*.}"; minor="${minor%%.*}"
    [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
    (( major > 3 || (major == 3 && minor >= 200) ))
}

link_engine() {
    # The engine looks for bundled plugins next to its own executable (symlinks resolved), so the
    # checkout gets a hard link to the cached binary (a copy across file systems).
    mkdir -p "$checkout_bin"
    if [[ "${bin_dir}/pulumi" -ef "${checkout_bin}/pulumi" ]]; then
        return 0
    fi
    ln -f "${bin_dir}/pulumi" "${checkout_bin}/.pulumi.$$" 2>/dev/null \
        || cp "${bin_dir}/pulumi" "${checkout_bin}/.pulumi.$$"
    mv -f "${checkout_bin}/.pulumi.$$" "${checkout_bin}/pulumi"
    log "linked ${checkout_bin}/pulumi to the cached engine"
}

refresh_helpers() {
    # Copies, not symlinks: the engine warns ("using X from $PATH at ..., expected ...") when the
    # PATH entry resolves (via symlinks) to a different file than the one next to the binary.
    local name src dst
    for name in "${helpers[@]}"; do
        src="${script_dir}/${name}"
        dst="${checkout_bin}/${name}"
        if ! cmp -s "$src" "$dst" 2>/dev/null; then
            cp "$src" "${dst}.tmp.$$"
            chmod 0755 "${dst}.tmp.$$"
            mv -f "${dst}.tmp.$$" "$dst"
            log "refreshed ${name}"
        fi
    done
}

engine_is_current() {
    [[ -x "${bin_dir}/pulumi" ]] && [[ "$("${bin_dir}/pulumi" version 2>/dev/null)" == "${PULUMI_ENGINE_VERSION}" ]]
}

find_go() {
    if command -v go >/dev/null 2>&1; then
        command -v go
    elif [[ -x /usr/local/go/bin/go ]]; then
        echo /usr/local/go/bin/go
    else
        log "no Go toolchain found (need go >= 1.26 on PATH or /usr/local/go/bin/go) to build the engine"
        return 1
    fi
}

build_engine() {
    local go wrap tmp_bin start
    go="$(find_go)"
    wrap="${cache_root}/wrap"
    mkdir -p "$wrap" "$bin_dir"
    start=$SECONDS
    log "building pulumi ${PULUMI_ENGINE_VERSION} from source with $("$go" version) (one-off, a few minutes)"

    # Throw-away wrapper module: it only exists to pin pkg/v3 and sdk/v3 to the same release.
    # pkg/v3's own `replace github.com/pulumi/pulumi/sdk/v3 => ../sdk` is ignored outside its
    # repository; requiring sdk/v3 at the same version gives the same result.
    cat >"${wrap}/go.mod" <<EOF
module pulumi-fireworks/engine-build

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 ${PULUMI_ENGINE_VERSION}
	github.com/pulumi/pulumi/sdk/v3 ${PULUMI_ENGINE_VERSION}
)

replace github.com/atotto/clipboard => ${CLIPBOARD_FORK}
EOF
    cat >"${wrap}/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
    rm -f "${wrap}/go.sum"
    (cd "$wrap" && "$go" mod tidy) >&2
    log "go mod tidy done after $((SECONDS - start)) s"

    # Build under a temporary name and rename: an interrupted build never leaves a half binary.
    tmp_bin="${bin_dir}/.pulumi.partial.$$"
    trap 'rm -f "${tmp_bin}"' EXIT
    (cd "$wrap" && CGO_ENABLED=0 "$go" build -trimpath -o "$tmp_bin" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_ENGINE_VERSION}" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
    if [[ "$("$tmp_bin" version)" != "${PULUMI_ENGINE_VERSION}" ]]; then
        log "built binary does not report ${PULUMI_ENGINE_VERSION}: $("$tmp_bin" version)"
        return 1
    fi
    mv -f "$tmp_bin" "${bin_dir}/pulumi"
    trap - EXIT
    log "built ${bin_dir}/pulumi in $((SECONDS - start)) s"
}

yaml_is_current() {
    [[ -x "${bin_dir}/pulumi-language-yaml" ]] \
        && [[ "$(cat "${bin_dir}/.pulumi-language-yaml.version" 2>/dev/null)" == "${PULUMI_YAML_VERSION}" ]]
}

build_yaml() {
    local go tmp start
    go="$(find_go)"
    start=$SECONDS
    tmp="$(mktemp -d "${cache_root}/.yaml.XXXXXX")"
    trap 'rm -rf "${tmp}"' EXIT
    log "building pulumi-language-yaml ${PULUMI_YAML_VERSION} (one-off, about a minute)"
    GOBIN="$tmp" CGO_ENABLED=0 "$go" install -trimpath \
        "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@${PULUMI_YAML_VERSION}" >&2
    mv -f "${tmp}/pulumi-language-yaml" "${bin_dir}/pulumi-language-yaml"
    echo "${PULUMI_YAML_VERSION}" >"${bin_dir}/.pulumi-language-yaml.version"
    rm -rf "$tmp"
    trap - EXIT
    log "built ${bin_dir}/pulumi-language-yaml in $((SECONDS - start)) s"
}

gen_sdk_is_current() {
    [[ -x "${bin_dir}/gen-nodejs-sdk" ]] \
        && [[ "$(cat "${bin_dir}/.gen-nodejs-sdk.sha256" 2>/dev/null)" == "$(sha256sum <"${script_dir}/gen-nodejs-sdk/main.go")" ]]
}

build_gen_sdk() {
    local go dir start
    go="$(find_go)"
    start=$SECONDS
    dir="${cache_root}/gen-nodejs-sdk"
    mkdir -p "$dir"
    sed 's|^module .*|module pulumi-fireworks/gen-nodejs-sdk|' "${cache_root}/wrap/go.mod" >"${dir}/go.mod"
    cp "${cache_root}/wrap/go.sum" "${dir}/go.sum"
    cp "${script_dir}/gen-nodejs-sdk/main.go" "${dir}/main.go"
    (cd "$dir" && CGO_ENABLED=0 "$go" build -trimpath -o "${bin_dir}/.gen-nodejs-sdk.partial.$$" .) >&2
    mv -f "${bin_dir}/.gen-nodejs-sdk.partial.$$" "${bin_dir}/gen-nodejs-sdk"
    sha256sum <"${script_dir}/gen-nodejs-sdk/main.go" >"${bin_dir}/.gen-nodejs-sdk.sha256"
    log "built ${bin_dir}/gen-nodejs-sdk in $((SECONDS - start)) s"
}

link_tool() {
    # $1: a tool built into the cache; a hard link (or copy) of it in the checkout's bin.
    if [[ "${bin_dir}/$1" -ef "${checkout_bin}/$1" ]]; then
        return 0
    fi
    ln -f "${bin_dir}/$1" "${checkout_bin}/.$1.$$" 2>/dev/null || cp "${bin_dir}/$1" "${checkout_bin}/.$1.$$"
    mv -f "${checkout_bin}/.$1.$$" "${checkout_bin}/$1"
    log "linked ${checkout_bin}/$1"
}

main() {
    # 1. A user's own engine.
    if [[ "${PULUMI_FIREWORKS_BUILD_ENGINE:-}" != "1" ]] && command -v pulumi >/dev/null 2>&1; then
        local found found_dir found_version
        found="$(command -v pulumi)"
        found_dir="$(cd "$(dirname "$found")" && pwd -P)"
        if [[ "$found_dir" != "$(cd "$bin_dir" 2>/dev/null && pwd -P || echo /nonexistent)" \
              && "$found_dir" != "$(cd "$checkout_bin" 2>/dev/null && pwd -P || echo /nonexistent)" ]]; then
            found_version="$(PULUMI_SKIP_UPDATE_CHECK=true pulumi version 2>/dev/null || true)"
            if version_at_least_3_200 "$found_version"; then
                log "using pulumi ${found_version} from PATH (${found}); set PULUMI_FIREWORKS_BUILD_ENGINE=1 to build our own"
                echo "$found_dir"
                return 0
            fi
            log "ignoring pulumi '${found_version}' at ${found}: need >= 3.200"
        fi
    fi

    # 2. Our own build, cached outside the work tree.
    mkdir -p "$bin_dir"
    if ! engine_is_current; then
        # Serialise concurrent installers (2 cores: two parallel builds would only thrash).
        exec 9>"${cache_root}/.lock"
        flock 9
        if ! engine_is_current; then
            build_engine
        fi
        flock -u 9
    fi
    if ! yaml_is_current || ! gen_sdk_is_current; then
        exec 9>"${cache_root}/.lock"
        flock 9
        yaml_is_current || build_yaml
        gen_sdk_is_current || build_gen_sdk
        flock -u 9
    fi
    link_engine
    link_tool pulumi-language-yaml
    link_tool gen-nodejs-sdk
    refresh_helpers
    echo "$checkout_bin"
}

main "$@"
