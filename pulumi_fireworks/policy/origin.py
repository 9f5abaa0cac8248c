"""Where the running pulumi-fireworks came from, as the policy pack's requirements.txt entry.

Why: a policy pack runs from a virtualenv of its own (``virtualenv: venv`` in PulumiPolicy.yaml),
made with ``pip install -r requirements.txt``. The package is not on any index, so a pin such as
``pulumi-fireworks==0.1.0`` finds nothing; the pack installs it the way the running package was
installed instead. pip records that in the distribution's ``direct_url.json`` (PEP 610):

* a wheel or archive file, ``{"url": "file:///.../x.whl", "archive_info": {...}}``
  -> ``pulumi-fireworks @ file:///.../x.whl``;
* a folder, ``{"url": "file:///src", "dir_info": {}}`` -> ``pulumi-fireworks @ file:///src``;
* an editable folder (``"dir_info": {"editable": true}``) -> ``-e file:///src``: the program's
  environment runs the checkout as it is now, so the pack does too (an ordinary install would
  freeze the rules at ``pip install`` time while the program's resources keep changing);
* a VCS checkout, ``{"url": "https://...", "vcs_info": {"vcs": "git", "commit_id": C}}``
  -> ``pulumi-fireworks @ git+https://...@C`` (the commit, not a branch that moves);
* no ``direct_url.json`` (an index or ``--find-links``) -> ``pulumi-fireworks==<version>``.

Code imported straight from a source checkout (no installation, or build metadata in the
checkout) counts as an editable install of that checkout. An origin that cannot work any more
(a wheel deleted since) is written all the same, with a ``problem`` saying what to do.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit
from urllib.request import url2pathname

__all__ = ["DISTRIBUTION", "Origin", "origin_from", "installed_origin", "policy_sdk_requirement"]

DISTRIBUTION = "pulumi-fireworks"
# The package's own pulumi-policy range when no metadata is found (kept equal to pyproject.toml's
# by a test).
POLICY_SDK_FALLBACK = "pulumi-policy>=1.13,<2"
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Origin:
    """How pulumi-fireworks gets into the pack's virtualenv."""

    requirement: str
    """The requirements.txt line (``pulumi-fireworks @ file:///...``, ``-e ...``, ``...==0.1.0``)."""
    source: str
    """Where it came from, for people: ``the wheel /dist/pulumi_fireworks-0.1.0-py3-none-any.whl``."""
    problem: Optional[str] = None
    """Why ``requirement`` cannot work as it is, and what to do; None when it can."""

    def lines(self) -> list[str]:
        """The requirements.txt lines: a comment naming the origin (and any problem), then the line."""
        comments = [f"# pulumi-fireworks as installed where the pack was written: {self.source}"]
        if self.problem:
            comments.append(f"# PROBLEM: {self.problem}")
        return [*comments, self.requirement]


def _local_path(url: str) -> Optional[Path]:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parts.path))


def _is_project(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() or (path / "setup.py").is_file()


def origin_from(direct_url: Optional[Mapping[str, Any]], version: str) -> Origin:
    """The origin ``direct_url.json`` (parsed; None when the distribution has none) records."""
    if direct_url is None:
        return Origin(
            f"{DISTRIBUTION}=={version}",
            f"a package index or a --find-links folder, version {version} (pip records no location for "
            "those: give this pip install the same --index-url or --find-links)",
        )
    url = str(direct_url.get("url", ""))
    path = _local_path(url)
    fragment = f"#subdirectory={direct_url['subdirectory']}" if direct_url.get("subdirectory") else ""
    vcs_info = direct_url.get("vcs_info")
    dir_info = direct_url.get("dir_info")
    if isinstance(vcs_info, Mapping):
        vcs = str(vcs_info.get("vcs", "git"))
        commit = vcs_info.get("commit_id")
        prefixed = url if url.startswith(f"{vcs}+") else f"{vcs}+{url}"
        pinned = f"{prefixed}@{commit}" if commit else prefixed
        at = f" at commit {commit}" if commit else ""
        origin = Origin(f"{DISTRIBUTION} @ {pinned}{fragment}", f"{vcs} {url}{at}")
        if path is not None and not path.exists():
            return _gone(origin, f"the repository {path} no longer exists")
        return origin
    if isinstance(dir_info, Mapping):
        editable = bool(dir_info.get("editable"))
        if path is None:  # pip records only local folders this way; take the URL as it is
            return Origin(f"{DISTRIBUTION} @ {url}", f"the folder {url}")
        origin = (
            Origin(f"-e {url}", f"the checkout {path} (editable: the pack runs its current code too)")
            if editable else Origin(f"{DISTRIBUTION} @ {url}", f"the folder {path}")
        )
        if not _is_project(path):
            return _gone(origin, f"{path} no longer holds the pulumi-fireworks project (no pyproject.toml)")
        return origin
    kind = "wheel" if url.endswith(".whl") else "archive"
    origin = Origin(f"{DISTRIBUTION} @ {url}{fragment}", f"the {kind} {path if path is not None else url}")
    if path is not None and not path.is_file():
        return _gone(origin, f"the {kind} {path} no longer exists")
    return origin


def _gone(origin: Origin, what: str) -> Origin:
    problem = (
        f"{what}. Put it back, or change the pulumi-fireworks line of requirements.txt to where the "
        f"package is now (`{DISTRIBUTION} @ file:///path/to/pulumi_fireworks-<version>-py3-none-any.whl` or "
        f"`{DISTRIBUTION} @ file:///path/to/checkout`), or write the pack again with "
        "`python -m pulumi_fireworks.policy new DIR --force --requirement LINE`."
    )
    return Origin(origin.requirement, origin.source, problem)


def _direct_url(distribution: importlib.metadata.Distribution) -> Optional[dict[str, Any]]:
    text = distribution.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _provides(distribution: importlib.metadata.Distribution, direct_url: Optional[Mapping[str, Any]],
              package: Path) -> bool:
    """Whether ``distribution`` is the installation ``package`` (the running code) comes from."""
    dir_info = (direct_url or {}).get("dir_info")
    if isinstance(dir_info, Mapping) and dir_info.get("editable"):
        checkout = _local_path(str((direct_url or {}).get("url", "")))
        return checkout is not None and package.is_relative_to(checkout.resolve())
    located = Path(str(distribution.locate_file(f"{package.name}/__init__.py"))).resolve()
    return located == package / "__init__.py"


def _running_distribution(
    package: Path, distributions: Iterable[importlib.metadata.Distribution]
) -> tuple[Optional[importlib.metadata.Distribution], Optional[dict[str, Any]]]:
    found = [(dist, _direct_url(dist)) for dist in distributions]
    for dist, direct_url in found:
        if direct_url is not None and _provides(dist, direct_url, package):
            return dist, direct_url
    for dist, direct_url in found:
        if direct_url is None and _provides(dist, None, package):
            return dist, None
    return None, None


def installed_origin(
    package: Path = _PACKAGE, distributions: Optional[Iterable[importlib.metadata.Distribution]] = None
) -> tuple[Origin, str]:
    """The origin of the running package (``package``, its folder) and the pulumi-policy
    requirement it declares. ``distributions`` defaults to every installed pulumi-fireworks;
    the one whose files are ``package`` counts (a checkout's build metadata on ``sys.path`` or
    another environment's copy does not)."""
    if distributions is None:
        distributions = importlib.metadata.distributions(name=DISTRIBUTION)
    dist, direct_url = _running_distribution(package.resolve(), distributions)
    policy_sdk = policy_sdk_requirement(dist)
    checkout = package.resolve().parent
    if direct_url is not None and dist is not None:
        return origin_from(direct_url, dist.version), policy_sdk
    if _is_project(checkout):
        # Imported from a source checkout: its code runs as it is, as with an editable install.
        return origin_from({"url": checkout.as_uri(), "dir_info": {"editable": True}}, ""), policy_sdk
    if dist is not None:
        return origin_from(None, dist.version), policy_sdk
    return Origin(
        DISTRIBUTION,
        f"an unknown place (imported from {package}, which has no installation metadata)",
        f"pulumi-fireworks runs from {package} without installation metadata, so where to install it "
        "from is unknown: change the pulumi-fireworks line of requirements.txt to a wheel or checkout of it "
        f"(`{DISTRIBUTION} @ file:///path/to/checkout`).",
    ), policy_sdk


def policy_sdk_requirement(distribution: Optional[importlib.metadata.Distribution]) -> str:
    """The ``pulumi-policy`` requirement ``distribution`` declares (unconditional ones only)."""
    for requirement in (distribution.requires or []) if distribution is not None else []:
        name = re.match(r"\s*([A-Za-z0-9._-]+)", requirement)
        if name and ";" not in requirement and re.sub(r"[._-]+", "-", name[1]).lower() == "pulumi-policy":
            return requirement.strip()
    return POLICY_SDK_FALLBACK
