# shellcheck shell=bash
# Source me (`source scripts/env.sh`): the offline development environment that ./scripts/test and
# ./scripts/demo run in. Safe to source repeatedly; sets no shell options in the caller.
#
# * .venv in the repo (created if missing), with `pip install -e '.[test]'` re-run only when
#   pyproject.toml changed since the last successful install (stamp file inside .venv).
# * node_modules in the repo with the npm tools package-lock.json pins (pyright, for
#   tests/unit/test_typing.py): `npm ci` re-run only when package-lock.json changed (stamp file
#   inside node_modules), on PATH as node_modules/.bin. Without npm it warns and goes on.
# * A real Pulumi engine via scripts/engine/install.sh (a user's pulumi >= 3.200 on PATH, or
#   v3.274.1 built once from source into the cache), first on PATH, followed by .venv/bin.
# * Offline Pulumi settings: no update checks, no plugin downloads, an explicit local file
#   backend (never Pulumi Cloud), a private PULUMI_HOME and a fixed dev passphrase.

_pf_env_main() {
    local repo python stamp want have engine_dir
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    export PULUMI_FIREWORKS_REPO="$repo"

    # --- Python environment -------------------------------------------------------------
    if [[ ! -x "$repo/.venv/bin/python" ]]; then
        python="$(command -v python3 || true)"
        if [[ -z "$python" ]]; then
            echo "env.sh: python3 not found" >&2
            return 1
        fi
        echo "env.sh: creating $repo/.venv" >&2
        "$python" -m venv "$repo/.venv" || return 1
    fi
    stamp="$repo/.venv/.pulumi-fireworks-install-stamp"
    want="$(sha256sum "$repo/pyproject.toml" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        # uv (from PyPI, into the venv) installs the same versions as pip in seconds instead of
        # about a minute; it reads the system's certificates (as pip.conf's `cert` tells pip to) and
        # PIP_FIND_LINKS. It compiles the bytecode as pip does, or every test worker would compile
        # the same modules on its first imports.
        # Without it (not installable, or failing) pip does the install.
        echo "env.sh: pyproject.toml changed; installing '.[test]'" >&2
        if ! { "$repo/.venv/bin/python" -m pip install --disable-pip-version-check -q uv >&2 \
                && UV_NATIVE_TLS=1 "$repo/.venv/bin/uv" pip install -q --compile-bytecode --python "$repo/.venv/bin/python" \
                    ${PIP_FIND_LINKS:+--find-links "$PIP_FIND_LINKS"} -e "$repo[test]" >&2; }; then
            echo "env.sh: uv could not install; pip install -e '.[test]'" >&2
            "$repo/.venv/bin/python" -m pip install --disable-pip-version-check -q -e "$repo[test]" >&2 \
                || return 1
        fi
        echo "$want" >"$stamp"
    fi

    # --- npm tools (pyright) -------------------------------------------------------------
    # Pinned in package-lock.json and installed once, so nothing is downloaded when they run
    # (the PyPI `pyright` wrapper would fetch pyright from npm on first use).
    stamp="$repo/node_modules/.pulumi-fireworks-install-stamp"
    want="$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [[ "$want" != "$have" ]]; then
        if ! command -v npm >/dev/null 2>&1; then
            echo "env.sh: npm not found; pyright is not installed (tests/unit/test_typing.py will fail)" >&2
        else
            echo "env.sh: package-lock.json changed; npm ci" >&2
            (cd "$repo" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2 \
                || return 1
            echo "$want" >"$stamp"
        fi
    fi

    # --- Engine ---------------------------------------------------------------------------
    engine_dir="$(bash "$repo/scripts/engine/install.sh" | tail -n 1)" || return 1
    if [[ -z "$engine_dir" || ! -x "$engine_dir/pulumi" ]]; then
        echo "env.sh: scripts/engine/install.sh did not yield a pulumi binary" >&2
        return 1
    fi
    export PULUMI_FIREWORKS_ENGINE_DIR="$engine_dir"

    # Engine first, then the venv (so `python3` inside the engine's helpers is the venv's), then
    # the npm tools.
    local dir
    for dir in "$repo/node_modules/.bin" "$repo/.venv/bin" "$engine_dir"; do
        case ":$PATH:" in
            ":$dir:"*) ;;
            *) PATH="$dir:$PATH" ;;
        esac
    done
    export PATH
    export VIRTUAL_ENV="$repo/.venv"

    # --- Bytecode ---------------------------------------------------------------------------
    # Where PYTHONDONTWRITEBYTECODE is set (this project's CI image sets it), nothing of ours
    # would ever be cached as bytecode: every program, dynamic-provider and language-host
    # process of every engine operation would compile the package from source again (~0.6 s
    # of CPU each, several per operation). Reading bytecode is unaffected by the variable,
    # so compile once here; compileall skips what is up to date, and Python ignores a stale
    # file (it checks the source's mtime).
    "$repo/.venv/bin/python" -m compileall -q -j 0 "$repo/pulumi_fireworks" "$repo/tests" "$repo/scripts" \
        "$repo/examples" "$engine_dir" >/dev/null || true

    # --- Offline Pulumi settings ------------------------------------------------------------
    export PULUMI_SKIP_UPDATE_CHECK=true
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    # Dev-only passphrase for the local file backend's secrets; never used for real stacks.
    if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
        export PULUMI_CONFIG_PASSPHRASE="pulumi-fireworks-dev"
    fi
    # A PULUMI_HOME of our own: no credentials, plugins or workspaces shared with the user's.
    export PULUMI_HOME="${PULUMI_FIREWORKS_PULUMI_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-fireworks/pulumi-home}"
    mkdir -p "$PULUMI_HOME"
    # Always an explicit backend, so the CLI never tries to log in to Pulumi Cloud.
    if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
        mkdir -p "$repo/.pulumi-state"
        export PULUMI_BACKEND_URL="file://$repo/.pulumi-state"
    fi
}

_pf_env_main || {
    echo "env.sh: environment setup failed" >&2
    # `return` when sourced, `exit` when run directly.
    return 1 2>/dev/null || exit 1
}
unset -f _pf_env_main
