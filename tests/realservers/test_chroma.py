"""The client generated from Chroma's spec (tests/fixtures/servers/chroma/openapi.json) against a real
Chroma server (`chroma run`, SQLite + HNSW files in a temporary folder).

Every write is checked in what the server stored: read back through the API and, where Chroma keeps it
in SQLite (collections, collection metadata, record documents and metadata), in `chroma.sqlite3`."""

from __future__ import annotations

import asyncio
import importlib
import typing
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from support.realservers import RunningServer, query_storage

pytestmark = pytest.mark.slow

TENANT, DB = "default_tenant", "default_database"
BURST = 35


def _types(pkg: ModuleType) -> Any:
    return importlib.import_module(pkg.__name__ + ".types")


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def client(chroma_pkg: ModuleType, chroma_server: RunningServer) -> Iterator[Any]:
    # Chroma runs without authentication here; the spec declares an x-chroma-token key on most operations.
    with chroma_pkg.Chroma(base_url=chroma_server.origin, api_key="not-checked") as c:
        yield c


def _stored_collection(server: RunningServer, name: str) -> tuple[str, dict[str, Any]] | None:
    """(id, metadata) of the collection `name` as stored in Chroma's SQLite, or None."""
    db = server.data / "chroma.sqlite3"
    rows = query_storage(db, "SELECT id FROM collections WHERE name = ?", name)
    if not rows:
        return None
    cid = rows[0][0]
    meta: dict[str, Any] = {}
    for key, s, i, f, b in query_storage(
        db,
        "SELECT key, str_value, int_value, float_value, bool_value FROM collection_metadata "
        "WHERE collection_id = ?",
        cid,
    ):
        meta[key] = next(v for v in (s, i, f, b) if v is not None)
    return cid, meta


def _stored_records(server: RunningServer, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Record id → {metadata key: value} (documents under 'chroma:document') from Chroma's SQLite."""
    db = server.data / "chroma.sqlite3"
    marks = ",".join("?" * len(ids))
    out: dict[str, dict[str, Any]] = {}
    for rid, key, s, i, f, b in query_storage(
        db,
        "SELECT e.embedding_id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value "
        f"FROM embeddings e JOIN embedding_metadata m ON m.id = e.id WHERE e.embedding_id IN ({marks})",
        *ids,
    ):
        out.setdefault(rid, {})[key] = next(v for v in (s, i, f, b) if v is not None)
    return out


def test_collection_create_read_update_delete(
    client: Any, chroma_pkg: ModuleType, chroma_server: RunningServer
) -> None:
    name = _name("crud")
    created = client.collections.create(
        TENANT, DB, name=name, metadata={"owner": "clientgen", "rank": 3}
    )
    assert created.name == name
    stored = _stored_collection(chroma_server, name)
    assert stored == (str(created.id), {"owner": "clientgen", "rank": 3})

    # Chroma's GET .../collections/{collection_id} looks the collection up by name (its spec says "UUID");
    # GET .../collections/by-id/{collection_id} by id.
    fetched = client.collections.get_collection(TENANT, DB, name)
    assert (fetched.id, fetched.metadata) == (created.id, {"owner": "clientgen", "rank": 3})
    by_id = client.collections.get(TENANT, DB, str(created.id))
    assert by_id.name == name

    new_name = _name("renamed")
    client.collections.update(
        TENANT,
        DB,
        str(created.id),
        new_name=new_name,
        new_metadata={"rank": 4},
    )
    assert _stored_collection(chroma_server, name) is None
    assert _stored_collection(chroma_server, new_name) == (str(created.id), {"rank": 4})
    assert client.collections.get(TENANT, DB, str(created.id)).name == new_name

    client.collections.delete(TENANT, DB, new_name)
    assert _stored_collection(chroma_server, new_name) is None
    with pytest.raises(chroma_pkg.NotFoundError) as info:
        client.collections.get_collection(TENANT, DB, new_name)
    assert "does not exist" in str(info.value)


def test_records_add_get_filter_update_delete(client: Any, chroma_server: RunningServer) -> None:
    col = client.collections.create(TENANT, DB, name=_name("records"))
    cid = str(col.id)
    client.record.collection_add(
        TENANT,
        DB,
        cid,
        ids=["r1", "r2", "r3"],
        embeddings=[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
        documents=["first", "second", "third"],
        metadatas=[{"kind": "a", "n": 1}, {"kind": "b", "n": 2}, {"kind": "a", "n": 3}],
    )
    assert client.record.collection_count(TENANT, DB, cid) == 3
    stored = _stored_records(chroma_server, ["r1", "r2", "r3"])
    assert stored["r2"] == {"chroma:document": "second", "kind": "b", "n": 2}

    # filter: metadata `where` and document `where_document`
    kind_a = client.record.collection_get(
        TENANT, DB, cid, where={"kind": "a"}, include=["documents", "metadatas"]
    )
    assert sorted(zip(kind_a.ids, kind_a.documents, strict=True)) == [
        ("r1", "first"),
        ("r3", "third"),
    ]
    big = client.record.collection_get(TENANT, DB, cid, where={"n": {"$gte": 2}}, include=[])
    assert sorted(big.ids) == ["r2", "r3"]
    vectors = client.record.collection_get(TENANT, DB, cid, ids=["r3"], include=["embeddings"])
    assert vectors.embeddings == [[0.5, 0.5]]
    nearest = client.record.collection_query(
        TENANT,
        DB,
        cid,
        query_embeddings=[[0.9, 0.1]],
        n_results=1,
        include=["distances"],
    )
    assert nearest.ids == [["r1"]]

    client.record.collection_update(
        TENANT,
        DB,
        cid,
        ids=["r1"],
        documents=["first, edited"],
        metadatas=[{"kind": "c"}],
    )
    client.record.collection_upsert(
        TENANT, DB, cid, ids=["r4"], embeddings=[[0.2, 0.8]], documents=["fourth"]
    )
    stored = _stored_records(chroma_server, ["r1", "r4"])
    assert stored["r1"]["chroma:document"] == "first, edited"
    assert stored["r1"]["kind"] == "c"
    assert stored["r4"] == {"chroma:document": "fourth"}

    client.record.collection_delete(TENANT, DB, cid, where={"kind": "a"})
    remaining = client.record.collection_get(TENANT, DB, cid, include=[])
    assert sorted(remaining.ids) == ["r1", "r2", "r4"]
    assert client.record.collection_count(TENANT, DB, cid) == 3


def test_list_with_limit_and_offset_and_count(client: Any) -> None:
    database = _name("listdb")
    client.databases.create(TENANT, name=database)
    names = sorted(_name("listed") for _ in range(5))
    for name in names:
        client.collections.create(TENANT, database, name=name)
    assert client.collections.count(TENANT, database) == 5
    everything = client.collections.list(TENANT, database)
    assert sorted(c.name for c in everything) == names
    page = client.collections.list(TENANT, database, limit=2, offset=1)
    assert len(page) == 2
    assert {c.name for c in page} <= set(names)
    assert [d.name for d in client.databases.list(TENANT) if d.name == database] == [database]


def test_errors_carry_the_server_explanation(client: Any, chroma_pkg: ModuleType) -> None:
    missing = _name("missing")
    with pytest.raises(chroma_pkg.NotFoundError) as not_found:
        client.collections.get_collection(TENANT, DB, missing)
    assert not_found.value.status_code == 404
    assert f"Collection [{missing}] does not exist" in str(not_found.value)

    name = _name("dup")
    col = client.collections.create(TENANT, DB, name=name)
    with pytest.raises(chroma_pkg.ConflictError) as conflict:
        client.collections.create(TENANT, DB, name=name)
    assert "already exists" in str(conflict.value)

    client.record.collection_add(TENANT, DB, str(col.id), ids=["x"], embeddings=[[1.0, 2.0]])
    with pytest.raises(chroma_pkg.BadRequestError) as bad:
        client.record.collection_add(
            TENANT, DB, str(col.id), ids=["y"], embeddings=[[1.0, 2.0, 3.0]]
        )
    assert "dimension of 2, got 3" in str(bad.value)
    assert bad.value.code == "InvalidArgumentError"

    # A body the server cannot deserialise (the dict form bypasses the request model): axum's 422.
    with pytest.raises(chroma_pkg.UnprocessableEntityError) as unprocessable:
        client.record.collection_add(TENANT, DB, str(col.id), ids="y", embeddings=[[1.0, 2.0]])
    assert "ids: invalid type" in str(unprocessable.value)
    assert (
        client.record.collection_count(TENANT, DB, str(col.id)) == 1
    )  # nothing stored by the failures


def test_declared_error_schema_is_parsed_into_its_model(
    client: Any, chroma_pkg: ModuleType
) -> None:
    with pytest.raises(chroma_pkg.NotFoundError) as info:
        client.collections.get_collection(TENANT, DB, _name("missing"))
    assert isinstance(info.value.body, _types(chroma_pkg).ErrorResponse)
    assert info.value.body.error == "NotFoundError"


def test_uuid_ids_come_back_as_uuid(client: Any) -> None:
    col = client.collections.create(TENANT, DB, name=_name("uuid"))
    assert isinstance(col.id, uuid.UUID)
    assert client.collections.get(TENANT, DB, col.id).id == col.id


def test_uuid_path_arguments_are_sent_as_their_string(client: Any) -> None:
    col = client.collections.create(TENANT, DB, name=_name("uuidarg"))
    as_uuid = uuid.UUID(str(col.id))
    assert client.collections.get(TENANT, DB, as_uuid).name == col.name  # runtime accepts it today


def test_uuid_path_arguments_are_typed_to_accept_uuid(client: Any) -> None:
    hints = typing.get_type_hints(type(client.collections).get)
    assert uuid.UUID in typing.get_args(hints["collection_id"])


def test_concurrent_burst_of_creates_with_threads(
    client: Any, chroma_server: RunningServer
) -> None:
    prefix = _name("burst")
    names = [f"{prefix}-{i}" for i in range(BURST)]
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        created = list(pool.map(lambda n: client.collections.create(TENANT, DB, name=n), names))
    assert sorted(c.name for c in created) == sorted(names)
    stored = query_storage(
        chroma_server.data / "chroma.sqlite3",
        "SELECT name FROM collections WHERE name LIKE ?",
        prefix + "-%",
    )
    assert sorted(r[0] for r in stored) == sorted(names)


def test_async_client_crud_and_concurrent_burst(
    chroma_pkg: ModuleType, chroma_server: RunningServer
) -> None:
    async def scenario() -> tuple[Any, list[Any], Any]:
        async with chroma_pkg.AsyncChroma(
            base_url=chroma_server.origin, api_key="not-checked"
        ) as c:
            col = await c.collections.create(TENANT, DB, name=_name("async"))
            cid = str(col.id)
            adds = await asyncio.gather(
                *(
                    c.record.collection_add(
                        TENANT,
                        DB,
                        cid,
                        ids=[f"a{i}"],
                        embeddings=[[float(i), 1.0]],
                        metadatas=[{"i": i}],
                    )
                    for i in range(BURST)
                )
            )
            await c.record.collection_update(TENANT, DB, cid, ids=["a0"], metadatas=[{"i": -1}])
            got = await c.record.collection_get(
                TENANT, DB, cid, where={"i": {"$lt": 0}}, include=[]
            )
            return col, adds, got

    col, adds, got = asyncio.run(scenario())
    assert len(adds) == BURST
    assert got.ids == ["a0"]
    assert _stored_collection(chroma_server, col.name) is not None
    stored = _stored_records(chroma_server, [f"a{i}" for i in range(BURST)])
    assert {rid: meta["i"] for rid, meta in stored.items()} == {
        f"a{i}": (-1 if i == 0 else i) for i in range(BURST)
    }


def test_lenient_mode_survives_the_specs_own_mistakes(
    client: Any, chroma_pkg: ModuleType, chroma_server: RunningServer
) -> None:
    # Chroma's spec names both Vec<Collection> and Vec<Database> "Vec", so GET .../databases is declared to
    # return collections. The default (lenient) client returns what the server sent and lists the problems;
    # a strict client refuses it.
    databases = client.databases.list(TENANT)
    assert DB in [d.name for d in databases]
    # the list pages by limit/offset: the problems are those of the page's body
    problems = chroma_pkg.get_validation_errors(databases.envelope)
    assert {p["loc"][1] for p in problems} >= {"configuration_json", "log_position"}
    with (
        chroma_pkg.Chroma(
            base_url=chroma_server.origin, api_key="not-checked", strict_response_validation=True
        ) as strict,
        pytest.raises(chroma_pkg.APIResponseValidationError) as info,
    ):
        strict.databases.list(TENANT)
    assert "configuration_json: Field required" in str(info.value)


def test_not_implemented_is_not_retried(client: Any, chroma_pkg: ModuleType) -> None:
    col = client.collections.create(TENANT, DB, name=_name("fork"))
    with pytest.raises(chroma_pkg.APIStatusError) as info:
        client.collections.fork_count(TENANT, DB, str(col.id))
    assert info.value.status_code == 501
    assert "Count forks is unsupported" in str(info.value)
    assert info.value.attempts == 1
