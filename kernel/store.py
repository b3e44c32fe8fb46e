"""The event store every service uses: the eventsourcing library's PostgreSQL persistence, one
schema per service, with each log hash-chained and each command's Idempotency-Key recorded in the
same transaction as its events.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

import psycopg
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    JSONTranscoder,
    OperationalError,
    StoredEvent,
    Transcoding,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import EnvType, get_topic, retry
from prometheus_client import Histogram
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from kernel.chain import GENESIS, canonical_bytes, link
from kernel.context import EventMeta
from kernel.errors import ConflictError, NotFoundError, check_version

T = TypeVar("T")
Agg = TypeVar("Agg", bound=Aggregate)

# The service logs, each in a schema of its own: the published contracts that the read side,
# integrations and audit follow. A service joins by being listed here.
SERVICES = ("directory", "goals", "feedback", "reviews")


class EventMetaAsDict(Transcoding):
    """Stores `EventMeta` as a plain JSON object, readable by any consumer of the log."""

    type = EventMeta
    name = "kaohe_meta"

    def encode(self, obj: EventMeta) -> dict[str, object]:
        return obj.as_dict()

    def decode(self, data: dict[str, object]) -> EventMeta:
        return EventMeta.from_dict(data)


# Domain enums are StrEnums: JSON writes them as their codes, and aggregates rebuild them.


class DateAsISO(Transcoding):
    """Stores a calendar date as `YYYY-MM-DD`."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


@dataclasses.dataclass(frozen=True)
class IdempotencyClaim:
    """A command's Idempotency-Key, scoped to its caller, and the fingerprint of its request."""

    key: str
    fingerprint: str


@dataclasses.dataclass(frozen=True)
class Committed:
    """What a command returns: its result, the log positions it wrote, the aggregate versions."""

    result: dict[str, Any]
    positions: list[int]
    versions: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """The JSON body the command API answers with."""
        return {**self.result, "positions": self.positions, "versions": self.versions}


_claim: contextvars.ContextVar[IdempotencyClaim | None] = contextvars.ContextVar(
    "kaohe_idempotency", default=None
)


@contextlib.contextmanager
def idempotent(claim: IdempotencyClaim | None) -> Iterator[None]:
    """Record the commands committed inside this block under `claim`."""
    token = _claim.set(claim)
    try:
        yield
    finally:
        _claim.reset(token)


class PendingWrite:
    """One command's events waiting for a group commit, and then its outcome."""

    def __init__(
        self,
        events: list[StoredEvent],
        claim: IdempotencyClaim | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        self.events = events
        self.claim = claim
        self.result = result
        self.done = False
        self._ids: Sequence[int] = ()
        self._error: BaseException | None = None

    def claim_body(self, ids: Sequence[int]) -> str:
        """The answer recorded under the write's Idempotency-Key."""
        return json.dumps({**(self.result or {}), "positions": list(ids)}, default=str)

    def succeed(self, ids: Sequence[int]) -> None:
        """Settle the write as committed at `ids`."""
        self._ids, self.done = ids, True

    def fail(self, error: BaseException) -> None:
        """Settle the write as not recorded, for `error`."""
        self._error, self.done = error, True

    def outcome(self) -> Sequence[int]:
        """The notification ids the write got, or the error it failed with, raised."""
        if self._error is not None:
            raise self._error
        return self._ids


GROUP_COMMIT_BATCH = Histogram(
    "kaohe_group_commit_batch_size",
    "Commands committed together in one transaction of a service log (group commit), by log",
    ["service"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200),
)


class ChainedRecorder(PostgresApplicationRecorder):
    """The library's application recorder, plus a hash chain and idempotency records.

    Both are written inside the insert transaction, after the library's table lock is taken, so
    the chain follows commit order exactly and a command's key is recorded if and only if its
    events are. Commands waiting to write are committed together (see `insert_events`).
    """

    MAX_BATCH: ClassVar[int] = 200

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        base = events_table_name.removesuffix("_events")
        self.log = base
        self.chain_table = f"{base}_chain"
        self.idempotency_table = f"{base}_idempotency"
        schema = Identifier(datastore.schema)
        chain = Identifier(self.chain_table)
        idem = Identifier(self.idempotency_table)

        def sql(text: str) -> Composed:
            return SQL(text).format(schema=schema, chain=chain, idem=idem)

        # Run only where CREATE_TABLE is set (a scratch log: the bench); Kaohe's own logs are
        # made by the migrations, and a test holds these statements to what they make.
        self.sql_create_statements.extend(
            [
                sql(
                    "CREATE TABLE IF NOT EXISTS {schema}.{chain} ("
                    "notification_id bigint PRIMARY KEY, hash bytea NOT NULL)"
                ),
                sql(
                    "CREATE TABLE IF NOT EXISTS {schema}.{idem} ("
                    "key text PRIMARY KEY, fingerprint text NOT NULL, result jsonb NOT NULL, "
                    "recorded_at timestamptz NOT NULL DEFAULT now())"
                ),
            ]
        )
        self._last_hash = sql(
            "SELECT hash FROM {schema}.{chain} ORDER BY notification_id DESC LIMIT 1"
        )
        self._insert_hashes = sql(
            "INSERT INTO {schema}.{chain} (notification_id, hash) "
            "SELECT * FROM unnest(%s::bigint[], %s::bytea[])"
        )
        self._insert_claim = sql(
            "INSERT INTO {schema}.{idem} (key, fingerprint, result) VALUES (%s, %s, %s)"
        )
        self._insert_claims = sql(
            "INSERT INTO {schema}.{idem} (key, fingerprint, result) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::jsonb[])"
        )
        self._select_claim = sql("SELECT fingerprint, result FROM {schema}.{idem} WHERE key = %s")
        self._writers = threading.Condition()
        self._queue: list[PendingWrite] = []
        self._leading = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record one command's events, committed together with whatever others are waiting.

        Group commit: the first writer to find no transaction under way leads one for every
        write queued meanwhile, under one table lock, with one hash pass and one NOTIFY; the
        others wait for its outcome. Each write still succeeds or fails alone.
        """
        write = PendingWrite(list(stored_events), kwargs.get("idempotency"), kwargs.get("result"))
        with self._writers:
            self._queue.append(write)
            while not write.done:
                if not self._leading:
                    self._leading = True
                    batch, self._queue = (
                        self._queue[: self.MAX_BATCH],
                        self._queue[self.MAX_BATCH :],
                    )
                    break
                self._writers.wait()
            else:
                return write.outcome()
        try:
            self.write_batch(batch)
        except BaseException as exc:
            for pending in batch:
                if not pending.done:
                    pending.fail(exc)
            raise
        finally:
            with self._writers:
                self._leading = False
                self._writers.notify_all()
        return write.outcome()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def write_batch(self, batch: Sequence[PendingWrite]) -> None:
        """Commit `batch` in one transaction and settle each write with its ids or its error.

        All writes go in one INSERT; if that violates a constraint (a version another command
        took, a reused Idempotency-Key), the transaction is tried again with a savepoint per
        write, so only the writes at fault fail. Nothing is settled before the commit.
        """
        with self.datastore.get_connection() as conn:
            conflict: psycopg.IntegrityError | None = None
            # Pipelined: the lock, NOTIFY, last hash and INSERT travel in one round trip, the
            # hashes, keys and COMMIT in another.
            with conn.pipeline():
                try:
                    with conn.transaction():
                        settled: list[Sequence[int] | Exception] = list(
                            self._write_together(conn, batch)
                        )
                except psycopg.IntegrityError as exc:
                    conflict = exc  # handled outside the pipeline, as the library does
            if conflict is not None:
                with conn.transaction():
                    settled = self._write_one_by_one(conn, batch)
        for pending, outcome in zip(batch, settled, strict=True):
            if isinstance(outcome, Exception):
                pending.fail(outcome)
            else:
                pending.succeed(outcome)
        GROUP_COMMIT_BATCH.labels(self.log).observe(len(batch))

    def _begin(self, curs: psycopg.Cursor[DictRow]) -> bytes:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(self._last_hash, prepare=True)
        row = curs.fetchone()
        return bytes(row["hash"]) if row else GENESIS

    def _write_together(
        self, conn: psycopg.Connection[DictRow], batch: Sequence[PendingWrite]
    ) -> list[list[int]]:
        with conn.cursor() as curs, conn.cursor() as inserting:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(self._last_hash, prepare=True)
            events = [e for pending in batch for e in pending.events]
            inserting.execute(self.insert_events_statement, (self._composite(events),))
            row = curs.fetchone()
            previous = bytes(row["hash"]) if row else GENESIS
            flat = [row["notification_id"] for row in inserting.fetchall()]
            ids: list[list[int]] = []
            for pending in batch:
                ids.append(flat[: len(pending.events)])
                flat = flat[len(pending.events) :]
            self._chain(curs, previous, batch, ids)
            claimed = [
                (p.claim, p.claim_body(i)) for p, i in zip(batch, ids, strict=True) if p.claim
            ]
            if claimed:
                curs.execute(
                    self._insert_claims,
                    (
                        [c.key for c, _ in claimed],
                        [c.fingerprint for c, _ in claimed],
                        [body for _, body in claimed],
                    ),
                )
        return ids

    def _write_one_by_one(
        self, conn: psycopg.Connection[DictRow], batch: Sequence[PendingWrite]
    ) -> list[Sequence[int] | Exception]:
        settled: list[Sequence[int] | Exception] = []
        with conn.cursor() as curs:
            previous = self._begin(curs)
            for pending in batch:
                try:
                    with conn.transaction():
                        curs.execute(
                            self.insert_events_statement, (self._composite(pending.events),)
                        )
                        ids = [row["notification_id"] for row in curs.fetchall()]
                        if pending.claim:
                            curs.execute(
                                self._insert_claim,
                                (
                                    pending.claim.key,
                                    pending.claim.fingerprint,
                                    pending.claim_body(ids),
                                ),
                            )
                except psycopg.IntegrityError as exc:
                    settled.append(IntegrityError(str(exc)))
                else:
                    settled.append(ids)
            written = [
                (p, list(i)) for p, i in zip(batch, settled, strict=True) if isinstance(i, list)
            ]
            self._chain(curs, previous, [p for p, _ in written], [i for _, i in written])
        return settled

    def _composite(self, events: Sequence[StoredEvent]) -> list[Any]:
        return [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in events
        ]

    def _chain(
        self,
        curs: psycopg.Cursor[DictRow],
        previous: bytes,
        batch: Sequence[PendingWrite],
        ids: Sequence[Sequence[int]],
    ) -> None:
        # One pass over the batch in notification order: the order the table lock gave the ids.
        positions: list[int] = []
        hashes: list[bytes] = []
        for pending, written in zip(batch, ids, strict=True):
            for notification_id, event in zip(written, pending.events, strict=True):
                previous = link(
                    previous,
                    canonical_bytes(
                        notification_id,
                        str(event.originator_id),
                        event.originator_version,
                        event.topic,
                        event.state,
                    ),
                )
                positions.append(notification_id)
                hashes.append(previous)
        if positions:
            curs.execute(self._insert_hashes, (positions, hashes), prepare=True)

    def recorded_result(self, claim: IdempotencyClaim) -> dict[str, Any] | None:
        """The first result recorded under `claim`'s key, or None if the key is new.

        Raises ConflictError when the key was used for a different request.
        """
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_claim, (claim.key,))
            row = curs.fetchone()
        if row is None:
            return None
        if row["fingerprint"] != claim.fingerprint:
            raise ConflictError(
                "kernel.idempotency_key_reuse",
                "this Idempotency-Key was already used for a different request",
                field="Idempotency-Key",
            )
        result: dict[str, Any] = row["result"]
        return result


def postgres_env(
    database_url: str, schema: str, pool_size: int = 4, max_overflow: int = 4
) -> dict[str, str]:
    """The eventsourcing environment for a service whose log lives in `schema`."""
    url = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        # Budget for a server's default max_connections of 100: each service's own log holds 4
        # (+4 when busy), each reader of another service's log 1 (+3), the gateway about
        # fifteen; commands waiting for a connection queue in the pool rather than fail.
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(max_overflow),
        # Without a cache every command replays its aggregate from its first event (a unit's
        # org chart grows with every person: O(n) per command). Cached aggregates are
        # fast-forwarded from the log before each use, so another process's writes are seen;
        # they are deep-copied for a command, or lent under a lock by `deciding`, which drops
        # them when the command fails, so a refused command never leaves a change behind.
        "AGGREGATE_CACHE_MAXSIZE": "1000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "APPLICATION_RECORDER_TOPIC": "kernel.store:ChainedRecorder",
        # The log's tables, chain and idempotency keys are made by the migrations
        # (kernel/migrations, `kaohe migrate`), never by a process at start: processes starting
        # together on a fresh database raced on the catalogue.
        "CREATE_TABLE": "n",
    }


class ServiceApplication(Application[UUID]):
    """An eventsourcing application whose log is one service's published contract."""

    schema: ClassVar[str]
    # Striped, so the locks are bounded in number; two aggregates sharing a stripe only queue.
    _STRIPES: ClassVar[int] = 64

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env=env)
        self._stripes = tuple(threading.RLock() for _ in range(self._STRIPES))

    def _stripe(self, aggregate_id: UUID) -> threading.RLock:
        return self._stripes[aggregate_id.int % self._STRIPES]

    @contextlib.contextmanager
    def deciding(self, aggregate_id: UUID) -> Iterator[Any]:
        """The aggregate, for one command at a time per aggregate in this process.

        Commands to one aggregate queue here instead of racing each other to a version conflict
        (they still conflict with other processes, which `run_command` retries). The cached
        aggregate is lent, not copied: a unit's org chart grows with every person, and copying
        it for every command costs as much as replaying it. If the block raises, whatever it
        changed is dropped from the cache, so the next command starts from the log.
        """
        with self._stripe(aggregate_id):
            try:
                yield self.repository.get(aggregate_id, deepcopy_from_cache=False)
            except BaseException:
                self._forget(aggregate_id)
                raise

    def find(self, cls: type[Agg], aggregate_id: UUID) -> Agg | None:
        """A copy of the `cls` recorded as `aggregate_id`, or None if there is none of that
        kind."""
        with contextlib.suppress(AggregateNotFoundError):
            found: object = self.repository.get(aggregate_id)
            if isinstance(found, cls):
                return found
        return None

    def not_found(self, what: str, aggregate_id: UUID, field: str | None = None) -> NotFoundError:
        """The refusal `<service>.<what>_exists` for an id that names no `what`."""
        return NotFoundError(f"{self.name}.{what}_exists", f"no {what} {aggregate_id}", field=field)

    def get_aggregate(
        self, cls: type[Agg], aggregate_id: UUID, expected: int | None, what: str
    ) -> Agg:
        """The `cls` recorded as `aggregate_id`; NotFoundError (`<service>.<what>_exists`) if
        there is none of that kind, a stale-version conflict if `expected` is given and is no
        longer its version."""
        found = self.find(cls, aggregate_id)
        if found is None:
            raise self.not_found(what, aggregate_id)
        check_version(expected, found.version)
        return found

    @contextlib.contextmanager
    def deciding_on(
        self, cls: type[Agg], aggregate_id: UUID, expected: int | None, what: str, field: str
    ) -> Iterator[Agg]:
        """`deciding` on the `cls` recorded as `aggregate_id`, refused as `get_aggregate` refuses
        (the NotFoundError naming `field`)."""
        try:
            with self.deciding(aggregate_id) as found:
                if not isinstance(found, cls):
                    raise self.not_found(what, aggregate_id, field)
                check_version(expected, found.version)
                yield found
        except AggregateNotFoundError:
            raise self.not_found(what, aggregate_id, field) from None

    def asking(
        self,
        cls: type[Agg],
        aggregate_id: UUID,
        question: Callable[[Agg], T],
        what: str,
        field: str,
    ) -> T:
        """`reading` of the `cls` recorded as `aggregate_id`, refused as `deciding_on` refuses."""

        def checked(found: Any) -> T:
            if not isinstance(found, cls):
                raise self.not_found(what, aggregate_id, field)
            return question(found)

        try:
            return self.reading(aggregate_id, checked)
        except AggregateNotFoundError:
            raise self.not_found(what, aggregate_id, field) from None

    def reading(self, aggregate_id: UUID, question: Callable[[Any], T]) -> T:
        """Answer `question` about the aggregate as recorded now, without copying it.

        Runs under the aggregate's lock, so no command changes it meanwhile; `question` must
        not change the aggregate nor keep a reference to it.
        """
        with self._stripe(aggregate_id):
            return question(self.repository.get(aggregate_id, deepcopy_from_cache=False))

    def _forget(self, aggregate_id: UUID) -> None:
        if self.repository.cache is not None:
            with contextlib.suppress(KeyError):
                self.repository.cache.get(aggregate_id, evict=True)

    @classmethod
    def postgres_env(cls, database_url: str, *, reader: bool = False) -> dict[str, str]:
        """The environment of this application's log on the PostgreSQL at `database_url`, in
        its own schema (made by the migrations); as a `reader` (another service reading this log to
        decide) with a smaller pool. Each application's `on_postgres` builds on it, taking the
        dependencies its constructor needs.
        """
        sizes = (1, 3) if reader else (4, 4)
        return postgres_env(database_url, cls.schema, *sizes)

    def created_ids(self, creation: type) -> list[UUID]:
        """The ids of every record created by `creation` (an aggregate's first event), in
        log order.
        """
        topic = get_topic(creation)
        ids: list[UUID] = []
        start = 1
        while True:
            page = self.recorder.select_notifications(start, 500, topics=[topic])
            ids += [UUID(str(n.originator_id)) for n in page]
            if len(page) < 500:
                return ids
            start = page[-1].id + 1

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(EventMetaAsDict())
        transcoder.register(DateAsISO())

    @property
    def chained_recorder(self) -> ChainedRecorder:
        """The recorder, when the application runs on PostgreSQL."""
        assert isinstance(self.recorder, ChainedRecorder)
        return self.recorder

    def commit(self, *aggregates: Any, result: dict[str, Any]) -> Committed:
        """Save the aggregates' new events, with the caller's Idempotency-Key if there is one."""
        versions = {str(a.id): a.version for a in aggregates}
        body = {**result, "versions": versions}
        claim = _claim.get()
        kwargs: dict[str, Any] = {}
        if claim is not None and isinstance(self.recorder, ChainedRecorder):
            kwargs = {"idempotency": claim, "result": body}
        recordings = self.save(*aggregates, **kwargs)
        positions = [r.notification.id for r in recordings]
        return Committed(result=result, positions=positions, versions=versions)

    def recorded_result(self) -> dict[str, Any] | None:
        """The first answer to the current Idempotency-Key, if it has been committed before."""
        claim = _claim.get()
        if claim is None or not isinstance(self.recorder, ChainedRecorder):
            return None
        return self.recorder.recorded_result(claim)


class LogReading(ServiceApplication):
    """Another service's log opened to read it only, for that service's published reader: its
    aggregates, none of its commands nor what they depend on, and a reader's small pool."""

    def __init__(self, of: type[ServiceApplication], database_url: str) -> None:
        # The log's tables are named after the application (`goals_events`): read `of`'s.
        self.name = of.name
        super().__init__(env=of.postgres_env(database_url, reader=True))
