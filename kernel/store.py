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
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoding
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import EnvType
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from kernel.chain import GENESIS, canonical_bytes, link
from kernel.context import EventMeta
from kernel.errors import ConflictError

T = TypeVar("T")


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


class ChainedRecorder(PostgresApplicationRecorder):
    """The library's application recorder, plus a hash chain and idempotency records.

    Both are written inside the insert transaction, after the library has taken its table lock, so
    the chain follows commit order exactly and a command's key is recorded if and only if its
    events are.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        base = events_table_name.removesuffix("_events")
        self.chain_table = f"{base}_chain"
        self.idempotency_table = f"{base}_idempotency"
        schema = Identifier(datastore.schema)
        chain = Identifier(self.chain_table)
        idem = Identifier(self.idempotency_table)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{chain} ("
                "notification_id bigint PRIMARY KEY, hash bytea NOT NULL)"
            ).format(schema=schema, chain=chain)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{idem} ("
                "key text PRIMARY KEY, fingerprint text NOT NULL, result jsonb NOT NULL, "
                "recorded_at timestamptz NOT NULL DEFAULT now())"
            ).format(schema=schema, idem=idem)
        )
        self._last_hash = SQL(
            "SELECT hash FROM {schema}.{chain} ORDER BY notification_id DESC LIMIT 1"
        ).format(schema=schema, chain=chain)
        self._insert_hashes = SQL(
            "INSERT INTO {schema}.{chain} (notification_id, hash) "
            "SELECT * FROM unnest(%s::bigint[], %s::bytea[])"
        ).format(schema=schema, chain=chain)
        self._insert_claim = SQL(
            "INSERT INTO {schema}.{idem} (key, fingerprint, result) VALUES (%s, %s, %s)"
        ).format(schema=schema, idem=idem)
        self._select_claim = SQL(
            "SELECT fingerprint, result FROM {schema}.{idem} WHERE key = %s"
        ).format(schema=schema, idem=idem)

    def _fetch_ids_after_insert_events(
        self,
        curs: psycopg.Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert ids is not None
        curs.execute(self._last_hash, prepare=True)
        row = curs.fetchone()
        previous = bytes(row["hash"]) if row else GENESIS
        hashes: list[bytes] = []
        for notification_id, event in zip(ids, stored_events, strict=True):
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
            hashes.append(previous)
        curs.execute(self._insert_hashes, (list(ids), hashes), prepare=True)
        claim: IdempotencyClaim | None = kwargs.get("idempotency")
        result: dict[str, Any] | None = kwargs.get("result")
        if claim is not None and result is not None:
            body = {**result, "positions": list(ids)}
            curs.execute(
                self._insert_claim,
                (claim.key, claim.fingerprint, json.dumps(body, default=str)),
            )
        return ids

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


def postgres_env(database_url: str, schema: str) -> dict[str, str]:
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
        # Budget for a server's default max_connections of 100: each of the three services
        # holds up to two applications (its own and the directory reader), the gateway about
        # fifteen; commands waiting for a connection queue in the pool rather than fail.
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "4",
        # Without a cache every command replays its aggregate from its first event (a unit's
        # org chart grows with every person: O(n) per command). Cached aggregates are
        # fast-forwarded from the log before each use, so another process's writes are seen,
        # and deep-copied, so a refused command leaves the cached copy untouched.
        "AGGREGATE_CACHE_MAXSIZE": "1000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "APPLICATION_RECORDER_TOPIC": "kernel.store:ChainedRecorder",
        "CREATE_TABLE": "y",
    }


def ensure_schema(database_url: str, schema: str) -> None:
    """Create `schema` if it is missing (the library creates tables, not schemas)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(schema)))


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
    def on_postgres(cls, database_url: str) -> Self:
        """Construct the application on the PostgreSQL at `database_url`, in its own schema."""
        ensure_schema(database_url, cls.schema)
        return cls(env=postgres_env(database_url, cls.schema))

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
