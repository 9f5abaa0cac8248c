"""Evaluators: ``accounts/{account}/evaluators/{evaluator}``, the reward code of RFT jobs.

Sources: SDK 1.2.30 ``fireworks/resources/evaluators.py`` and ``fireworks/types/evaluator_*.py``;
docs "Create Evaluator" (the workflow quoted in :mod:`..rules.evaluators`). Rules, the
build and the build log's text are in :mod:`..rules.evaluators`; the log's signed URL in
:mod:`..buildlogs`.

* Create: ``POST /v1/accounts/{a}/evaluatorsV2 {evaluatorId?, evaluator}`` (the SDK's only
  create; ``POST .../evaluators`` is not served: 405). No ``evaluatorId``: the emulator's
  usual random id. The answer is the evaluator in ``BUILDING`` with ``createdBy`` (the
  e-mail of the key's user, else the account's). Code arrives one of two ways:

  - inline, in ``criteria[].code_snippets.file_contents`` (``entry_file`` + ``entry_func``
    required with them, else 400): the build starts at the create;
  - uploaded: ``POST :getUploadEndpoint {filenameToSize: {"<name>.tar.gz": "<size>"}}``
    (one archive; the signed URLs of :mod:`..uploads`, the archive kept whole for the build),
    a PUT, then ``POST :validateUpload {}`` -> ``{}``: a file registered but not uploaded,
    or of another size, is 400 INVALID_ARGUMENT naming it; nothing registered is
    FAILED_PRECONDITION; under the ``uploadLandingChecks`` behaviour the first calls after
    a PUT answer FAILED_PRECONDITION "files are still landing", as for datasets and models.
    The build starts here. Until then the evaluator is ``BUILDING`` with no build under
    way (no lifecycle transition: it waits, whatever the timing).

  Both upload calls are FAILED_PRECONDITION once the code has arrived (also a second
  ``:validateUpload``, where models and datasets answer ``{}``: the strict answer; a client
  that polls the evaluator after a FAILED_PRECONDITION, as the provider does, is right
  under either answer).
* The build: transition ``BUILDING -> ACTIVE`` of this collection's lifecycle (the default
  ``instant`` timing: the first read after the code arrived sees the result; ``{"reads":
  N}`` / ``{"seconds": S}`` rules and a ``STUCK`` rule hold it, ``FAILED`` rules fail it
  with their message). The code is checked when the build starts
  (:func:`..rules.evaluators.build`) and its result applied when the transition settles:
  bad code settles as ``BUILD_FAILED`` with ``status {code, message}`` instead of ``ACTIVE``.
* ``GET :getBuildLogEndpoint`` -> ``{"buildLogSignedUri"}`` (:mod:`..buildlogs`) once a
  build has started; before that (the evaluator still waits for its code, no build ran)
  FAILED_PRECONDITION "no build has started" -- chosen over an empty answer so a client
  cannot mistake "no log yet" for a log without a URL.
* ``GET :getSourceCodeSignedUrl`` is 501 UNIMPLEMENTED (the emulator keeps the Python
  files of a build, not the archive).
* Get, List (key ``evaluators``, ``pageSize``/``pageToken``, ordered by name), PATCH with
  ``updateMask`` (the core's semantics, as every collection: without a mask every mutable
  field is replaced), Delete -> ``{}``. An update that changes ``criteria``,
  ``requirements`` or ``entryPoint`` starts a new build of the code the evaluator has
  (SDK: "Changing requirements or entry_point triggers a rebuild"); if it has none (its
  inline code was cleared and none was uploaded) it waits for an upload in ``BUILDING``.
  ``?prepareCodeUpload=true`` ("prepare a new code upload/build attempt by transitioning
  the evaluator to BUILDING state. Can be used without update_mask") forgets the code and
  waits for an upload; without ``updateMask`` it changes no field (the body is ignored).
* Admin (:mod:`..admin`): ``POST /emulator/v1/<evaluator name>:fail {"message"}`` fails the
  build at once (``BUILD_FAILED``, ``status {code: INTERNAL, message}``, whatever the state
  and the code); ``:finish`` settles a build under way at once with its real result (ends
  one a STUCK rule holds). See :meth:`Evaluators.steer`.

Choices where the sources are silent:

* Delete of an evaluator that a reinforcement fine-tuning job which has not ended names
  is FAILED_PRECONDITION naming the job (an assumption: the real service's answer is
  unknown; a job whose rollouts it scores cannot do without it). Jobs that ended do not
  block it.
* The checks of :mod:`..rules.evaluators` at create and update (entry point form,
  criterion and source types, file paths, ``default_dataset`` a dataset name -- its
  existence is not checked) are 400s; everything about the code itself is the build's.
"""

from __future__ import annotations

from typing import Any, Optional

from ..._wire.evaluator import BuildLogEndpoint, CreateEvaluatorRequest, Evaluator
from ..._wire.model import GetUploadEndpointRequest, GetUploadEndpointResponse
from .. import buildlogs, uploads
from ..backend import Backend
from ..errors import ApiError, Code, failed_precondition, not_found
from ..lifecycle import Settlement, Transition
from ..resource import Collection, parse_input, request_body
from ..routing import Request, Route
from ..rules import evaluators as rules
from ..rules.training_jobs import TERMINAL_STATES
from ..rules.uploads import check_all_uploaded, parse_filename_to_size
from ..store import Record, split_name
from ._refs import caller_email, load_settled

TRANSITIONS = {rules.BUILDING: Transition(rules.BUILDING, rules.ACTIVE, failed=rules.BUILD_FAILED)}
#: Wire fields whose change rebuilds the code.
CODE_FIELDS = ("criteria", "requirements", "entryPoint")
#: The jobs whose ``evaluator`` names an evaluator.
RFT_JOBS = "reinforcementFineTuningJobs"


class Evaluators(Collection):
    model = Evaluator
    collection = "evaluators"
    noun = "evaluator"
    default_order_by = "name"
    methods = frozenset({"get", "list", "update", "delete"})  # create: POST .../evaluatorsV2
    transitions = TRANSITIONS

    def custom_routes(self) -> list[Route]:
        item = self.collection_path() + "/{id}"
        return [
            Route("POST", self.collection_path() + "V2", self.create),
            Route("POST", item + ":getUploadEndpoint", self.get_upload_endpoint),
            Route("POST", item + ":validateUpload", self.validate_upload),
            Route("GET", item + ":getBuildLogEndpoint", self.get_build_log_endpoint),
            Route("GET", item + ":getSourceCodeSignedUrl", self.get_source_code_endpoint),
        ]

    # -- create / update -----------------------------------------------------------------------

    def create_input(self, req: Request) -> tuple[Optional[str], dict[str, Any]]:
        raw = request_body(req, CreateEvaluatorRequest)
        parse_input(CreateEvaluatorRequest, raw)  # type errors named by their full path (evaluator.criteria.0...)
        evaluator = raw.get("evaluator")
        return raw.get("evaluatorId") or None, dict(evaluator) if isinstance(evaluator, dict) else {}

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        rules.check_evaluator(Evaluator.model_validate(doc), "evaluator." if old is None else "")

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        if old is not None:
            return
        doc["state"] = rules.BUILDING
        email = caller_email(req)
        if email:
            doc["createdBy"] = email

    def create(self, req: Request) -> Any:
        with req.backend.store.transaction():
            body = super().create(req)
            record = req.backend.store.get(body["name"])
            assert record is not None
            if rules.has_inline_code(Evaluator.model_validate(record.doc)):
                self.start_build(req, record)
            else:
                record.meta["awaitingCode"] = True
            self.save(req, record)
        return body

    def update(self, req: Request) -> Any:
        if not req.flag("prepareCodeUpload"):
            return super().update(req)
        self.authorize(req, write=True)
        with req.backend.store.transaction():
            if req.query.get("updateMask") is not None:
                super().update(req)  # the fields first; the code is forgotten anyway
            record = self.require(req, read=False)
            self.await_code(req, record)
            self.save(req, record)
        return self.respond(req, record)

    def on_updated(self, req: Request, record: Record, old: dict[str, Any]) -> None:
        if req.flag("prepareCodeUpload") or record.meta.get("awaitingCode"):
            return
        if any(record.doc.get(f) != old.get(f) for f in CODE_FIELDS):
            if "code" in record.meta or rules.has_inline_code(Evaluator.model_validate(record.doc)):
                self.start_build(req, record)
            else:
                self.await_code(req, record)

    # -- the build -----------------------------------------------------------------------------

    def start_build(self, req: Request, record: Record) -> None:
        """Check the code now (uploaded, else inline) and start the ``BUILDING`` transition
        whose settling applies the result (:meth:`on_settled`)."""
        uploaded = record.meta.get("code")
        result = rules.build(Evaluator.model_validate(record.doc),
                             rules.UploadedCode.from_json(uploaded) if uploaded else None)
        number = int(record.meta.get("builds", 0)) + 1
        record.meta["builds"] = number
        record.meta["build"] = {"number": number, "log": result.log,
                                "problem": {"code": result.code, "message": result.problem} if result.problem else None}
        record.meta.pop("awaitingCode", None)
        record.doc.pop("status", None)  # a new build: an earlier failure no longer applies
        record.doc["updateTime"] = self.now(req)
        self.start(req, record, rules.BUILDING)

    def await_code(self, req: Request, record: Record) -> None:
        """Forget the code (and any upload under way): ``BUILDING``, waiting for an upload."""
        req.backend.lifecycle.cancel(record)
        for key in ("upload", "code"):
            record.meta.pop(key, None)
        record.meta["awaitingCode"] = True
        record.doc.pop("status", None)
        record.doc.update(state=rules.BUILDING, updateTime=self.now(req))

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        if settlement.from_state != rules.BUILDING:
            return
        record.doc["updateTime"] = self.now(req)
        problem = (record.meta.get("build") or {}).get("problem")
        if not settlement.failed and problem:
            record.doc.update(state=rules.BUILD_FAILED, status=dict(problem))

    # -- uploads -------------------------------------------------------------------------------

    def _awaiting_code(self, req: Request) -> Record:
        record = self.require(req, read=False)
        if not record.meta.get("awaitingCode"):
            inline = rules.has_inline_code(Evaluator.model_validate(record.doc)) and "code" not in record.meta
            raise rules.not_waiting_for_code(record.name, record.doc.get("state"), inline)
        return record

    def get_upload_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = GetUploadEndpointRequest.model_validate(parse_input(GetUploadEndpointRequest, req.json_object()))
        sizes = parse_filename_to_size(body.filename_to_size, dataset=False)
        rules.check_archive_names(sizes)
        with req.backend.store.transaction():
            record = self._awaiting_code(req)
            generation = uploads.register(record, sizes, keep_matching=False, accepting=rules.BUILDING,
                                          keep_bytes=True)
            self.save(req, record)
        return GetUploadEndpointResponse(filename_to_signed_urls=uploads.signed_urls(req, record, generation)).to_wire()

    def validate_upload(self, req: Request) -> Any:
        self.authorize(req, write=True)
        req.json_object()  # the SDK sends {}
        with req.backend.store.transaction():
            record = self._awaiting_code(req)
            landing = uploads.still_landing(record, req.backend.behaviour.upload_landing_checks)
            if landing is None:
                registered, files = uploads.file_set(record)
                check_all_uploaded(registered, files)
                (archive,) = registered  # one archive: check_archive_names
                record.meta["code"] = rules.unpack(archive, files[archive].content()).to_json()
                record.meta["upload"]["files"][archive].pop("data", None)  # unpacked: the archive is not needed
                self.start_build(req, record)
            self.save(req, record)
        if landing is not None:
            raise landing  # after the commit: the refusal counts
        return {}

    def get_build_log_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=False)
        record = self.require(req, read=False)
        build = record.meta.get("build")
        if build is None:
            raise failed_precondition(f"evaluator {record.name} has no build log: no build has started "
                                      "(its code has not arrived yet)")
        return BuildLogEndpoint(build_log_signed_uri=buildlogs.signed_url(req, record.name, int(build["number"]))
                                ).to_wire()

    def get_source_code_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=False)
        self.require(req)
        raise ApiError(Code.UNIMPLEMENTED,
                       "getSourceCodeSignedUrl is not implemented by the emulator (it keeps no source archives)")

    # -- delete ----------------------------------------------------------------------------------

    def before_delete(self, req: Request, record: Record) -> None:
        for found in req.backend.store.find(RFT_JOBS, "evaluator", record.name, account=record.account):
            job = load_settled(req, found.name)  # a job whose end is due no longer blocks
            state = job.doc.get("state") if job is not None else None
            if job is not None and state not in TERMINAL_STATES:
                rules.check_not_in_use(record.name, job.name, state)

    # -- admin steering ------------------------------------------------------------------------

    def steer(self, backend: Backend, name: str, *, fail: Optional[str] = None,
              code: str = "INTERNAL") -> dict[str, Any]:
        """For the admin API: fail evaluator ``name``'s build now with the message ``fail``
        (``BUILD_FAILED`` from any state; one that waited for code no longer does), or, with
        ``fail`` None, settle a build under way now with its real result. Returns the
        stored document."""
        account, _, _, evaluator_id = split_name(name)
        req = Request(backend, "POST", f"/v1/{name}", {"account": account, "id": evaluator_id}, {})
        with backend.store.transaction():
            record = self.load(req, name, read=False)
            if record is None:
                raise not_found(name, self.noun)
            if fail is None:
                if (record.meta.get("pending") or {}).get("state") != rules.BUILDING:
                    raise failed_precondition(f"evaluator {name} has no build under way "
                                              f"(state {record.doc.get('state')}); only a build can be finished")
                backend.lifecycle.cancel(record)
                record.doc.update(state=rules.ACTIVE, status={"code": "OK", "message": ""})
                self.on_settled(req, record, Settlement(rules.BUILDING, rules.ACTIVE))
            else:
                backend.lifecycle.cancel(record)
                record.meta.pop("awaitingCode", None)
                builds = int(record.meta.get("builds", 0))
                if "build" not in record.meta:  # failed before any build ran: the log tells just that
                    record.meta["builds"] = builds = builds + 1
                    record.meta["build"] = {"number": builds, "log": ["no code was built"], "problem": None}
                record.doc.update(state=rules.BUILD_FAILED, status={"code": code, "message": fail},
                                  updateTime=self.now(req))
            self.save(req, record)
        return record.doc


COLLECTIONS = [Evaluators()]
