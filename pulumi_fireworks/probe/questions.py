"""The questions, in the order they are asked, and how each answer is judged.

Each question is one place where the public sources (SDK ``fireworks-ai==1.2.30``, the
newest spec, the gateway protos in the 0.19.20 wheel, the docs) disagree or say nothing,
the place where the provider's code copes with either answer, and the emulator switch
that gives the other answer (``pulumi_fireworks/emulator/config.py``). Nothing asked is
billable: a user id that does not exist, a secret, two LoRA models that are never
loaded, and, only when users can be deleted, a service account with one key. Every
object is recorded before its create (:meth:`.Session.track`) and removed in a
``finally``; what could not be removed is reported with the command that removes it.

An answer that fits neither known one is reported as it came (verdict ``unclear``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Optional

import httpx
from pydantic.alias_generators import to_camel

from .._errors import FireworksError
from .._tls import tls_context
from .._uploads import StepFailed, check_url
from .._wire.account import Account
from .._wire._enums import ACCELERATOR_TYPES
from .._wire.model import Model
from .._wire.quota import gpu_quota_id
from .adapter import BASE_MODEL, RANK, TARGET_MODULES, adapter_files
from .report import AS_ASSUMED, NOT_ASKED, OTHER_ANSWER, UNCLEAR, Finding, Observed, Report
from .session import Answer, Made, Session, excerpt

__all__ = ["CATALOGUE", "GROUPS", "Question", "run"]


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    """What ``--only`` names; one group's questions share their objects."""
    text: str
    assumption: str


CATALOGUE: tuple[Question, ...] = (
    Question(
        "user-delete-route", "user-delete",
        "Is there a REST delete of users? (DELETE and GET of a user id that does not exist)",
        "Assumes DELETE .../users/{id} exists (firectl's `delete user` implies it), but checks: after any "
        "answer (success, 404, 405, 501) only a user a GET no longer shows counts as deleted.",
    ),
    Question(
        "missing-secret-get", "secret",
        "GET of a secret that was just deleted: 404 or 500?",
        "404 means gone; a 500 is asked about through the list (the service was seen answering 500): "
        "unlisted = gone, a failing list is an error, never a guess.",
    ),
    Question(
        "missing-secret-delete", "secret",
        "DELETE of a secret that was already deleted: 404 or 500?",
        "404 counts as deleted; after a 500 the list decides: unlisted = deleted, listed = the DELETE is "
        "sent again and its error reported.",
    ),
    Question(
        "secret-update-mask", "secret",
        "Does a secret's PATCH honour updateMask? (keyName sent, updateMask=value)",
        "Sends key_name and value with an updateMask naming the changed fields: the program's values "
        "land whether the mask is honoured or ignored (the protos' UpdateSecretRequest has no mask).",
    ),
    Question(
        "zero-values", "zero-values",
        "Are zero values (false, 0, \"\", *_UNSPECIFIED, [], {}, null) spelled out or omitted? "
        "(GET of the account and of a listed public model)",
        "Omitted, as proto3 JSON does; either way an absent field and a zero value read the same in "
        "diffs, refresh and lookups.",
    ),
    Question(
        "validate-upload", "models",
        "Does :validateUpload, called right after the PUTs, answer FAILED_PRECONDITION until the files "
        "have landed?",
        "The docs: FAILED_PRECONDITION while files land, poll until 200. The provider polls it on the "
        "wait's schedule until wait_timeout; a first 200 ends the poll.",
    ),
    Question(
        "patch-update-mask", "models",
        "Does a model's PATCH honour updateMask? (displayName and description sent, updateMask=description)",
        "Sends every managed field and an updateMask naming the changed ones, so the program's values land "
        "whether the mask is honoured or the whole body applied.",
    ),
    Question(
        "patch-without-mask", "models",
        "Does a PATCH without updateMask replace every mutable field? (only description sent)",
        "Never sends a PATCH without updateMask (the training SDK warns the server then replaces every "
        "mutable field, clearing those not sent).",
    ),
    Question(
        "conversation-config", "models",
        "Can a model's conversation_config be changed by PATCH?",
        "IMMUTABLE in the gateway protos: a changed conversation_config replaces the model (a new "
        "upload) instead of a PATCH.",
    ),
    Question(
        "resign-keeps-uploads", "models",
        "Does a second :getUploadEndpoint keep a model's files already uploaded? (sign, PUT, sign again, "
        "validate)",
        "Undocumented for models (datasets forget them): files sent before a re-signing are sent again, "
        "which is right under either answer.",
    ),
    Question(
        "api-key-annotations", "api-key",
        "Are an API key's annotations kept? (a key with one annotation, on a throw-away service account)",
        "May be dropped (newest spec only). A key whose create answer is lost is found by what appeared "
        "during that create; the pulumi-fireworks/resource annotation also lets refresh and delete revoke "
        "the keys a killed run left.",
    ),
    Question(
        "quota-ids", "quotas",
        "Which ids do the account's GPU quotas have? (a List of the account's quotas; nothing is changed)",
        "Undocumented: where a quota snapshot is matched to accelerator types, the account-wide GPU quota of "
        "NVIDIA_H100_80GB is taken to be `nvidia-h100-80gb`; the review's --gpu-quota and the policy's "
        "gpuQuota take the numbers directly when it is not.",
    ),
    Question(
        "lora-loads", "lora-loads",
        "Can a LoRA be loaded without a dedicated deployment, and how does a failed load read?",
        "A dedicated deployment is required (SDK 1.2.30 and the docs: no serverless LoRA): deployment=None "
        "is refused at preview. A load in STATE_UNSPECIFIED (or without a state) is read as failed.",
    ),
)

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(q.group for q in CATALOGUE))

FAILED_PRECONDITION = "FAILED_PRECONDITION"
ANNOTATION = "pulumi-fireworks/probe"
DISPLAY_NAME = "pf-probe"
_BARE_NOT_FOUND = frozenset({"not found", "404 not found", "404 page not found", "404: not found"})


class Findings:
    """The findings of a run, by question key; each is decided once."""

    def __init__(self) -> None:
        self.by_key = {q.key: Finding(q.key, q.text, q.assumption) for q in CATALOGUE}
        self.decided: set[str] = set()

    def decide(
        self,
        key: str,
        verdict: str,
        *,
        answer: str = "",
        detail: str = "",
        observed: Observed = None,
        emulator: Optional[dict[str, Any]] = None,
    ) -> Finding:
        finding = self.by_key[key]
        finding.verdict, finding.answer, finding.detail = verdict, answer, detail
        finding.observed, finding.emulator = observed, dict(emulator or {})
        self.decided.add(key)
        return finding

    def unclear(self, keys: Iterable[str], answer: str, detail: str) -> None:
        for key in keys:
            if key not in self.decided:
                self.decide(key, UNCLEAR, answer=answer, detail=detail)

    def __getitem__(self, key: str) -> Finding:
        return self.by_key[key]


def run(
    session: Session,
    only: Optional[Collection[str]] = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Report:
    """Ask every question (or the groups in ``only``), in order; clean up as it goes."""
    findings = Findings()
    for group, ask, what in _GROUPS:
        keys = [q.key for q in CATALOGUE if q.group == group]
        if only is not None and group not in only:
            for key in keys:
                findings.decide(key, NOT_ASKED, detail="left out (--only)")
            continue
        progress(what)
        try:
            ask(session, findings)
        except Exception as exc:  # noqa: BLE001 - a question that broke is reported, and the next one asked
            findings.unclear(keys, "-", session.redact(f"the probe stopped before an answer: {type(exc).__name__}: {exc}"))
        findings.unclear(keys, "-", "the probe did not get this far")
    return Report(session.base_url, session.account_id, list(findings.by_key.values()), session.leftovers())


# -- users: is there a delete route? -------------------------------------------------------------


def ask_user_delete(s: Session, f: Findings) -> None:
    key = "user-delete-route"
    user_id = s.unique_id("nobody")
    path = s.account_path("users", user_id)
    get = s.ask("GET", path)
    if get.ok:
        f.decide(key, UNCLEAR, answer="GET ok", detail=f"a user {user_id} exists, so no DELETE was sent")
        return
    if get.status != 404:
        f.decide(key, UNCLEAR, answer=get.text(),
                 detail="the GET of a user that does not exist did not answer 404, so no DELETE was sent")
        return
    delete = s.ask("DELETE", path)
    answer = f"{delete.text()}; {get.text()}"
    route, why = _route(delete, get, user_id)
    if route == "present":
        f.decide(key, AS_ASSUMED, answer=answer, observed=route, emulator={"userDeleteRoute": route},
                 detail=f"the route exists ({why}): destroying a User or ServiceAccount deletes it")
    elif route is not None:
        f.decide(key, OTHER_ANSWER, answer=answer, observed=route, emulator={"userDeleteRoute": route},
                 detail=f"no route ({why}). The provider copes: a destroy revokes a service account's API keys, "
                        "then fails naming `firectl delete user <id>`; deletion_policy='abandon' leaves the user "
                        "with a warning instead")
    else:
        f.decide(key, UNCLEAR, answer=answer, detail=why)


def _route(delete: Answer, get: Answer, user_id: str) -> tuple[Optional[str], str]:
    """``("present" | "404" | "405" | "501" | None, why)`` from a DELETE and a GET of a missing user."""
    if delete.ok:
        return "present", "the DELETE was accepted"
    if delete.status in (405, 501):
        return str(delete.status), f"the gateway answers {delete.status} for a method it does not route"
    if delete.status != 404:
        return None, "neither a NOT_FOUND nor a routing error: the answer says nothing about the route"
    if user_id in delete.message:
        return "present", "a NOT_FOUND naming the user, like the GET's"
    if delete.code is None or _bare(delete.message):
        if _bare(get.message):
            return None, "the DELETE and the GET both answer a bare 'Not Found': the two cannot be told apart"
        return "404", "a bare routing 404, unlike the GET's NOT_FOUND"
    if (delete.code, delete.message) == (get.code, get.message):
        return "present", "the same NOT_FOUND as the GET"
    return None, "a 404 that neither names the user nor is a bare routing 'Not Found'"


def _bare(message: str) -> bool:
    return " ".join(message.split()).strip(" .").lower() in _BARE_NOT_FOUND


# -- a secret: missing ones, and its update mask -------------------------------------------------

_SECRET_KEYS = ("missing-secret-get", "missing-secret-delete", "secret-update-mask")


def ask_secret(s: Session, f: Findings) -> None:
    secret_id = s.unique_id("secret")
    name = f"accounts/{s.account_id}/secrets/{secret_id}"
    path = s.account_path("secrets", secret_id)
    key_name = f"PF_PROBE_{s.run_id.upper()}"
    value = secrets.token_urlsafe(24)
    s.redact.add(value)
    made = s.track("secret", name, s.curl("DELETE", name))
    try:
        create = s.ask("POST", s.account_path("secrets"), create=True,
                       json={"name": secret_id, "keyName": key_name, "value": value})
        if not create.ok:
            f.unclear(_SECRET_KEYS, create.text(), "the throw-away secret could not be created")
            return
        _secret_mask(s, f, path, key_name)
        deleted = s.ask("DELETE", path, retry_500=False)
        if not deleted.ok:
            f.unclear(_SECRET_KEYS, deleted.text(), "the throw-away secret could not be deleted")
            return
        listed = s.poll(lambda: _secret_listed(s, secret_id) is False or None)
        if listed is None:
            f.unclear(_SECRET_KEYS, f"{deleted.text()}; still listed",
                      "the list still shows the secret after its DELETE")
            return
        made.gone = True
        get = s.ask("GET", path, retry_500=False)
        again = s.ask("DELETE", path, retry_500=False)
        _missing_secret(f, "missing-secret-get", get, "GET")
        _missing_secret(f, "missing-secret-delete", again, "DELETE")
        if get.status != again.status:
            for key in ("missing-secret-get", "missing-secret-delete"):
                f[key].emulator = {}
                f[key].detail += " (GET and DELETE differ; the emulator's missingSecretStatus answers both alike)"
    finally:
        if not made.gone:
            _remove_secret(s, made, path, secret_id)


def _secret_mask(s: Session, f: Findings, path: str, key_name: str) -> None:
    key = "secret-update-mask"
    renamed = f"{key_name}_B"
    new_value = secrets.token_urlsafe(24)
    s.redact.add(new_value)
    patch = s.ask("PATCH", path, params={"updateMask": "value"}, json={"keyName": renamed, "value": new_value})
    if not patch.ok:
        f.decide(key, UNCLEAR, answer=patch.text(), detail="the PATCH was refused")
        return
    read = s.ask("GET", path)
    seen = read.body.get("keyName") if read.ok else None
    answer = f"PATCH ok; GET keyName {'was kept' if seen == key_name else 'changed' if seen == renamed else repr(seen)}"
    if seen == key_name:
        f.decide(key, AS_ASSUMED, answer=answer, observed="honoured", emulator={"ignoreSecretUpdateMask": False},
                 detail="the mask is honoured: only value changed")
    elif seen == renamed:
        f.decide(key, OTHER_ANSWER, answer=answer, observed="ignored", emulator={"ignoreSecretUpdateMask": True},
                 detail="the mask is ignored and the whole body applied. The provider copes: its PATCH "
                        "carries key_name and value as the program has them")
    else:
        f.decide(key, UNCLEAR, answer=answer if read.ok else read.text(),
                 detail="keyName is neither the old nor the new one")


def _missing_secret(f: Findings, key: str, answer: Answer, method: str) -> None:
    text = f"{answer.text()}; the list no longer shows it"
    if answer.status == 404:
        f.decide(key, AS_ASSUMED, answer=text, observed=404, emulator={"missingSecretStatus": 404},
                 detail=f"404: the provider reads it as gone")
    elif answer.status == 500:
        f.decide(key, OTHER_ANSWER, answer=text, observed=500, emulator={"missingSecretStatus": 500},
                 detail=f"500 for a missing secret. The provider copes: after a 500 to a {method} it asks the "
                        "list, and only an unlisted secret is gone")
    elif answer.ok and method == "DELETE":
        f.decide(key, UNCLEAR, answer=text, observed="ok",
                 detail="a DELETE of a missing secret succeeded: the provider takes that as deleted too")
    else:
        f.decide(key, UNCLEAR, answer=text, detail="neither 404 nor 500")


def _secret_listed(s: Session, secret_id: str) -> Optional[bool]:
    """Whether the account's secret list shows ``secret_id``; None when the list fails."""
    try:
        return any(isinstance(item, dict) and str(item.get("name", "")).endswith(f"/secrets/{secret_id}")
                   for item in s.client.paginate(s.account_path("secrets"), "secrets"))
    except (FireworksError, ValueError, httpx.HTTPError):
        return None


def _remove_secret(s: Session, made: Made, path: str, secret_id: str) -> None:
    deleted = s.ask("DELETE", path, retry_500=False)
    listed = s.poll(lambda: _secret_listed(s, secret_id) is False or None, timeout=min(s.wait, 30.0))
    made.gone = listed is True
    if not made.gone:
        made.reason = f"DELETE answered {deleted.text(method=False)} and the list still shows it (or failed)"


# -- zero values ----------------------------------------------------------------------------------


def ask_zero_values(s: Session, f: Findings) -> None:
    key = "zero-values"
    account = s.ask("GET", s.account_path())
    listed = s.ask("GET", "/v1/accounts/fireworks/models", params={"pageSize": 1})
    items = listed.body.get("models") if listed.ok else None
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
    if not account.ok and item is None:
        f.decide(key, UNCLEAR, answer=f"{account.text()}; {listed.text()}", detail="neither object could be read")
        return
    zeros, known, absent = [], 0, 0
    for label, doc, model in (("account", account.body if account.ok else None, Account), ("model", item, Model)):
        if doc is None:
            continue
        zeros += zero_paths(doc, f"{label}.")
        fields = {field.alias or to_camel(name) for name, field in model.model_fields.items()}
        known += len(fields)
        absent += len(fields - set(doc))
    read = "GET account ok" if account.ok else account.text()
    read += f"; first listed model {item.get('name', '?')}" if item else f"; {listed.text()}"
    if zeros:
        examples = ", ".join(zeros[:6]) + (", ..." if len(zeros) > 6 else "")
        f.decide(key, OTHER_ANSWER, answer=f"{read}: {len(zeros)} zero values spelled out: {examples}",
                 observed="spelled out", emulator={"emitZeroValues": True},
                 detail="zero values are spelled out. The provider copes: it reads them like absent fields")
    elif absent:
        f.decide(key, AS_ASSUMED,
                 answer=f"{read}: no zero value; {absent} of the {known} fields the wire models know are absent",
                 observed="omitted", emulator={"emitZeroValues": False}, detail="zero values are omitted")
    else:
        f.decide(key, UNCLEAR, answer=f"{read}: every known field present, none zero",
                 detail="nothing was zero, so this says nothing either way")


def ask_quota_ids(s: Session, f: Findings) -> None:
    key = "quota-ids"
    listed = s.ask("GET", f"{s.account_path()}/quotas", params={"pageSize": 200})
    items = listed.body.get("quotas") if listed.ok else None
    if not isinstance(items, list):
        f.decide(key, UNCLEAR, answer=listed.text(), detail="the quotas could not be listed")
        return
    ids = sorted(str(q.get("name", "")).rsplit("/", 1)[-1] for q in items if isinstance(q, dict))
    guessed = sorted(set(ids) & {gpu_quota_id(t) for t in ACCELERATOR_TYPES})
    shown = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
    if guessed:
        f.decide(key, AS_ASSUMED, answer=f"GET quotas ok: {len(ids)} quotas: {shown}", observed="accelerator-type ids",
                 detail=f"GPU quotas are named after their accelerator type ({', '.join(guessed)})")
    else:
        f.decide(key, OTHER_ANSWER, answer=f"GET quotas ok: {len(ids)} quotas: {shown or 'none'}", observed="other ids",
                 detail="no quota is named after an accelerator type: give the review `--gpu-quota TYPE=N` and the "
                        "policy `gpuQuota`, read from the ids above")


def zero_paths(doc: Any, prefix: str = "") -> list[str]:
    """``path=value`` of every zero value in ``doc``, depth first."""
    found: list[str] = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        path = f"{prefix}{k}" if isinstance(doc, dict) else f"{prefix.rstrip('.')}[{k}]"
        if is_zero(v):
            found.append(f"{path}={_short(v)}")
        elif isinstance(v, (dict, list)):
            found += zero_paths(v, f"{path}.")
    return found


def is_zero(value: Any) -> bool:
    if value is None or value is False or value in ("", "0", [], {}):
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return True
    return isinstance(value, str) and value.endswith("_UNSPECIFIED")


def _short(value: Any) -> str:
    return json.dumps(value)


# -- two LoRA models: validateUpload, PATCH, conversation_config, re-signing -------------------------

_MODEL_KEYS = ("validate-upload", "patch-update-mask", "patch-without-mask", "conversation-config")
_TEMPLATE = "{% for m in messages %}{{ m.content }}{% endfor %}"


def ask_models(s: Session, f: Findings) -> None:
    files = adapter_files()
    made: list[tuple[Made, str]] = []
    try:
        first = s.unique_id("a")
        made.append(_track_model(s, first))
        _first_model(s, f, first, files)
        second = s.unique_id("b")
        made.append(_track_model(s, second))
        _second_model(s, f, second, files)
    finally:
        for model, path in made:
            _remove_model(s, model, path)


def _track_model(s: Session, model_id: str) -> tuple[Made, str]:
    name = f"accounts/{s.account_id}/models/{model_id}"
    return s.track("model", name, s.curl("DELETE", name)), s.account_path("models", model_id)


def _create_model(s: Session, model_id: str) -> Answer:
    return s.ask("POST", s.account_path("models"), create=True, json={
        "modelId": model_id,
        "model": {
            "kind": "HF_PEFT_ADDON",
            "displayName": DISPLAY_NAME,
            "description": "pulumi-fireworks probe: a throw-away zero LoRA, deleted at once",
            "peftDetails": {"baseModel": BASE_MODEL, "r": RANK, "targetModules": list(TARGET_MODULES)},
        },
    })


def _sign(s: Session, path: str, files: dict[str, bytes]) -> tuple[Answer, dict[str, str]]:
    answer = s.ask("POST", path + ":getUploadEndpoint",
                   json={"filenameToSize": {name: str(len(data)) for name, data in files.items()}})
    urls = answer.body.get("filenameToSignedUrls") if answer.ok else None
    return answer, {str(k): str(v) for k, v in urls.items()} if isinstance(urls, dict) else {}


def _put(urls: dict[str, str], files: dict[str, bytes]) -> Optional[str]:
    """PUT every file to its signed URL (never with the API key); what went wrong, if anything."""
    missing = sorted(set(files) - set(urls))
    if missing:
        return f"no upload URL for {', '.join(missing)}"
    with httpx.Client(timeout=httpx.Timeout(120.0, connect=10.0), verify=tls_context()) as http:
        for name, data in files.items():
            try:
                check_url(name, urls[name])
            except StepFailed as exc:
                return exc.detail
            problem = ""
            for _ in range(3):
                try:
                    response = http.put(urls[name], content=data, headers={
                        "Content-Type": "application/octet-stream",
                        "X-Goog-Content-Length-Range": f"{len(data)},{len(data)}",
                    })
                except httpx.TransportError as exc:
                    problem = f"PUT of {name}: no answer ({type(exc).__name__})"
                    continue
                if response.is_success:
                    problem = ""
                    break
                problem = f"PUT of {name} answered {response.status_code}: {excerpt(response.text, 100)}"
                if response.status_code < 500 and response.status_code not in (408, 429):
                    break
            if problem:
                return problem
    return None


@dataclass
class _Validation:
    first: Answer
    refusals: int
    final: Optional[Answer]
    """The first answer that was not FAILED_PRECONDITION; None when time ran out."""
    seconds: float


def _validate(s: Session, path: str) -> _Validation:
    answers: list[Answer] = []
    started = s.clock()

    def attempt() -> Optional[Answer]:
        answer = s.ask("GET", path + ":validateUpload")
        answers.append(answer)
        return None if answer.code == FAILED_PRECONDITION else answer

    final = s.poll(attempt)
    refusals = sum(1 for a in answers if a.code == FAILED_PRECONDITION)
    return _Validation(answers[0], refusals, final, s.clock() - started)


def _upload(s: Session, f: Findings, path: str, model_id: str, files: dict[str, bytes], keys: Iterable[str]) -> bool:
    """Create the model, sign and PUT its files; False (the questions decided unclear) on failure."""
    create = _create_model(s, model_id)
    if not create.ok:
        f.unclear(keys, create.text(), "the throw-away LoRA model could not be created")
        return False
    signed, urls = _sign(s, path, files)
    if not signed.ok:
        f.unclear(keys, signed.text(), "the model's :getUploadEndpoint was refused")
        return False
    problem = _put(urls, files)
    if problem:
        f.unclear(keys, s.redact(problem), "the adapter files could not be uploaded")
        return False
    return True


def _first_model(s: Session, f: Findings, model_id: str, files: dict[str, bytes]) -> None:
    path = s.account_path("models", model_id)
    if not _upload(s, f, path, model_id, files, _MODEL_KEYS):
        return
    check = _validate(s, path)
    _judge_validation(s, f, check)
    ready = s.wait_state(path, frozenset({"READY"}))
    state = ready.body.get("state") if ready.ok else ready.text()
    note = "" if state == "READY" else f" (the model was {state}, not READY)"
    _patch_with_mask(s, f, path, note)
    _patch_without_mask(s, f, path, note)
    _conversation_config(s, f, path, note)


def _judge_validation(s: Session, f: Findings, check: _Validation) -> None:
    key = "validate-upload"
    first = f"first answer {check.first.text()}"
    if check.final is None:
        f.decide(key, UNCLEAR, answer=f"{first}; {check.refusals} FAILED_PRECONDITION, no 200 within {s.wait:g} s",
                 detail="the files never landed in time; the provider would keep polling until the model's wait_timeout")
    elif check.final.ok:
        answer = (f"{first}; ok after {check.refusals} FAILED_PRECONDITION ({check.seconds:.1f} s)"
                  if check.refusals else f"{check.first.text()} at once")
        detail = ("FAILED_PRECONDITION while the files landed, then 200, as the docs say: the provider polls through it"
                  if check.refusals else "validated at once: the provider's poll ends at the first 200")
        f.decide(key, AS_ASSUMED, answer=answer, observed=check.refusals,
                 emulator={"uploadLandingChecks": check.refusals}, detail=detail)
    else:
        f.decide(key, UNCLEAR, answer=f"{first}; then {check.final.text()}",
                 detail="the upload was refused: the provider would fail the create at validateUpload and delete the model")


def _read(s: Session, path: str) -> dict[str, Any]:
    answer = s.ask("GET", path)
    return answer.body if answer.ok else {}


def _patch_with_mask(s: Session, f: Findings, path: str, note: str) -> None:
    key = "patch-update-mask"
    before = _read(s, path).get("displayName")
    description = "pf-probe: masked"
    patch = s.ask("PATCH", path, params={"updateMask": "description"},
                  json={"displayName": "pf-probe-renamed", "description": description})
    if not patch.ok:
        f.decide(key, UNCLEAR, answer=patch.text() + note, detail="the PATCH was refused")
        return
    after = _read(s, path)
    name = after.get("displayName")
    seen = "kept" if name == before else "changed" if name == "pf-probe-renamed" else repr(name)
    answer = f"PATCH ok; displayName {seen}{note}"
    if after.get("description") != description:
        f.decide(key, UNCLEAR, answer=answer, detail="the description (the field the mask names) did not change")
    elif name == before:
        f.decide(key, AS_ASSUMED, answer=answer, observed="honoured",
                 detail="the mask is honoured: only description changed")
    elif name == "pf-probe-renamed":
        f.decide(key, OTHER_ANSWER, answer=answer, observed="ignored",
                 detail="the mask is ignored and the whole body applied (the emulator has no switch for it). The "
                        "provider copes: its PATCH carries every managed field as the program has it")
    else:
        f.decide(key, UNCLEAR, answer=answer, detail="displayName is neither the old nor the new one")


def _patch_without_mask(s: Session, f: Findings, path: str, note: str) -> None:
    key = "patch-without-mask"
    before = _read(s, path).get("displayName")
    description = "pf-probe: no mask"
    patch = s.ask("PATCH", path, json={"description": description})
    if not patch.ok:
        f.decide(key, UNCLEAR, answer=patch.text() + note, detail="the PATCH without updateMask was refused")
        return
    after = _read(s, path)
    name = after.get("displayName")
    answer = f"PATCH ok; displayName {'cleared' if not name else 'kept' if name == before else repr(name)}" + note
    if not before or after.get("description") != description:
        f.decide(key, UNCLEAR, answer=answer, detail="the PATCH did not apply, or displayName was empty before it")
    elif not name:
        f.decide(key, AS_ASSUMED, answer=answer, observed="replaces",
                 detail="fields not sent are cleared, as the training SDK warns; the provider always sends updateMask")
    elif name == before:
        f.decide(key, OTHER_ANSWER, answer=answer, observed="merges",
                 detail="only the fields sent change (the emulator has no switch for it). No effect on the provider: "
                        "it always sends updateMask")
    else:
        f.decide(key, UNCLEAR, answer=answer, detail="displayName changed to something not sent")


def _conversation_config(s: Session, f: Findings, path: str, note: str) -> None:
    key = "conversation-config"
    patch = s.ask("PATCH", path, params={"updateMask": "conversation_config"},
                  json={"conversationConfig": {"style": "jinja", "template": _TEMPLATE}})
    if patch.ok:
        config = _read(s, path).get("conversationConfig")
        changed = isinstance(config, dict) and config.get("template") == _TEMPLATE
        answer = f"PATCH ok; conversationConfig {'changed' if changed else 'unchanged'}" + note
        if changed:
            f.decide(key, OTHER_ANSWER, answer=answer, observed="mutable", emulator={"protoImmutableFields": False},
                     detail="it can be changed. The provider copes: it replaces the model (a new upload) where a "
                            "PATCH would have done: slower, never wrong")
        else:
            f.decide(key, AS_ASSUMED, answer=answer, observed="ignored",
                     detail="the PATCH is accepted but changes nothing: replacing the model is the way to change it")
    elif patch.status is not None and 400 <= patch.status < 500 and patch.status not in (401, 403, 404, 429):
        f.decide(key, AS_ASSUMED, answer=patch.text() + note, observed="immutable", emulator={"protoImmutableFields": True},
                 detail="the change is refused (the message says why): the provider replaces the model instead")
    else:
        f.decide(key, UNCLEAR, answer=patch.text() + note, detail="neither accepted nor refused as invalid")


def _second_model(s: Session, f: Findings, model_id: str, files: dict[str, bytes]) -> None:
    key = "resign-keeps-uploads"
    path = s.account_path("models", model_id)
    if not _upload(s, f, path, model_id, files, [key]):
        return
    again, _ = _sign(s, path, files)
    if not again.ok:
        f.decide(key, UNCLEAR, answer=f"second :getUploadEndpoint {again.text()}", detail="the second signing was refused")
        return
    check = _validate(s, path)
    validated = check.final.text(method=False) if check.final else "no answer but FAILED_PRECONDITION"
    answer = f"second signing ok; :validateUpload {validated}"
    if check.refusals:
        answer += f" after {check.refusals} FAILED_PRECONDITION"
    if check.final is None:
        f.decide(key, UNCLEAR, answer=answer,
                 detail=f"still FAILED_PRECONDITION after {s.wait:g} s: the files may be forgotten (never landing) or slow")
    elif check.final.ok:
        f.decide(key, OTHER_ANSWER, answer=answer, observed="keeps", emulator={"resignForgetsUploads": False},
                 detail="the files sent before the re-signing are kept. No harm: the provider sends them again, "
                        "which is only redundant")
    elif check.final.status == 400 and (check.final.code == "INVALID_ARGUMENT" or "missing" in check.final.message.lower()):
        f.decide(key, AS_ASSUMED, answer=answer, observed="forgets", emulator={"resignForgetsUploads": True},
                 detail="the re-signing forgot the files sent before it: the provider sends them again")
    else:
        f.decide(key, UNCLEAR, answer=answer,
                 detail="validation failed for a reason that does not say the files are missing")


def _remove_model(s: Session, made: Made, path: str) -> None:
    deleted = s.ask("DELETE", path)
    if not (deleted.ok or deleted.status == 404):
        made.reason = f"DELETE answered {deleted.text(method=False)}"
    elif s.wait_gone(path):
        made.gone = True
    else:
        made.reason = f"its DELETE was accepted, but a GET still found it after {s.wait:g} s (it may yet go)"


# -- API key annotations (needs a service account the API can delete) --------------------------------


def ask_api_key(s: Session, f: Findings) -> None:
    key = "api-key-annotations"
    route = f["user-delete-route"]
    if route.observed != "present":
        why = ("users cannot be deleted" if route.verdict == OTHER_ANSWER
               else "the user-delete question did not show that users can be deleted")
        f.decide(key, NOT_ASKED, detail=f"a throw-away service account could not be deleted ({why})")
        return
    user_id = s.unique_id("sa")
    name = f"accounts/{s.account_id}/users/{user_id}"
    path = s.account_path("users", user_id)
    account = s.track("service account", name, f"firectl delete user {user_id} --account-id {s.account_id}")
    keys: list[Made] = []
    try:
        create = s.ask("POST", s.account_path("users"), params={"userId": user_id}, create=True,
                       json={"role": "inference-user", "serviceAccount": True, "displayName": DISPLAY_NAME})
        if not create.ok:
            f.decide(key, UNCLEAR, answer=create.text(), detail="the throw-away service account could not be created")
            return
        ready = s.wait_state(path, frozenset({"READY"}))
        expire = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        made = s.ask("POST", path + "/apiKeys", create=True, json={"apiKey": {
            "displayName": DISPLAY_NAME, "expireTime": expire, "annotations": {ANNOTATION: "1"},
        }})
        s.redact.add(str(made.body.get("key") or ""))
        if not made.ok:
            state = ready.body.get("state") if ready.ok else ready.text()
            f.decide(key, UNCLEAR, answer=f"{made.text()} (service account {state})",
                     detail="the API key could not be created")
            return
        key_id = str(made.body.get("keyId") or "")
        keys.append(s.track("API key", f"{name}/apiKeys/{key_id}",
                            s.curl("POST", f"{name}/apiKeys:delete", f'{{"keyId": "{key_id}"}}')))
        listed = next((k for k in _keys(s, path) or [] if k.get("keyId") == key_id), None)
        on_create = _kept(made.body.get("annotations"))
        on_list = _kept(listed.get("annotations")) if listed is not None else None
        answer = (f"create answer: annotation {'kept' if on_create else 'absent'}; "
                  f"list: {'key not listed' if on_list is None else 'annotation kept' if on_list else 'annotation absent'}")
        if on_list:
            f.decide(key, AS_ASSUMED, answer=answer, observed="kept", emulator={"dropNewerFields": False},
                     detail="annotations are kept: refresh and delete find and revoke the keys a killed run left")
        elif on_list is False:
            f.decide(key, OTHER_ANSWER, answer=answer, observed="dropped", emulator={"dropNewerFields": True},
                     detail="annotations are dropped. The provider copes: a key whose create answer is lost is found "
                            "by what appeared during that create; keys a killed run left cannot be told from "
                            "others and stay (unusable: their value was never seen) until removed by hand")
        else:
            f.decide(key, UNCLEAR, answer=answer, detail="the key just made is not in its user's list")
    finally:
        _remove_service_account(s, account, keys, path)


def _kept(annotations: Any) -> bool:
    return isinstance(annotations, dict) and annotations.get(ANNOTATION) == "1"


def _keys(s: Session, user_path: str) -> Optional[list[dict[str, Any]]]:
    try:
        return [k for k in s.client.paginate(user_path + "/apiKeys", "apiKeys") if isinstance(k, dict)]
    except (FireworksError, ValueError, httpx.HTTPError):
        return None


def _remove_service_account(s: Session, account: Made, keys: list[Made], path: str) -> None:
    """Delete every key of the service account (all of them are the probe's), then the account."""
    for listed in _keys(s, path) or []:
        if listed.get("keyId"):
            s.ask("POST", path + "/apiKeys:delete", json={"keyId": listed["keyId"]})
    remaining = _keys(s, path)
    for made in keys:
        made.gone = remaining is not None and not any(made.name.endswith(f"/apiKeys/{k.get('keyId')}") for k in remaining)
        if not made.gone:
            made.reason = "its delete was not confirmed by the list of its user's keys"
    deleted = s.ask("DELETE", path)
    accepted = deleted.ok or deleted.status == 404
    account.gone = accepted and s.wait_gone(path)
    if not account.gone:
        account.reason = f"DELETE answered {deleted.text(method=False)}" + ("; a GET still finds it" if accepted else "")
        if all(k.gone for k in keys):
            account.reason += " (its API keys were deleted: it cannot authenticate)"


def ask_lora_loads(s: Session, f: Findings) -> None:
    f.decide("lora-loads", NOT_ASKED,
             detail="a load needs a deployment, which may cost money: the probe loads nothing")


_GROUPS: tuple[tuple[str, Callable[[Session, Findings], None], str], ...] = (
    ("user-delete", ask_user_delete, "whether users can be deleted (a user id that does not exist)"),
    ("secret", ask_secret, "how a missing secret is answered (a throw-away secret)"),
    ("zero-values", ask_zero_values, "how zero values are written (the account, a public model)"),
    ("models", ask_models, "how model uploads and PATCHes behave (two throw-away LoRA models, ~7 MB each)"),
    ("api-key", ask_api_key, "whether API key annotations are kept (a throw-away service account)"),
    ("quotas", ask_quota_ids, "how the account's quotas are named (a List; nothing is changed)"),
    ("lora-loads", ask_lora_loads, "nothing about LoRA loads (they may cost)"),
)
