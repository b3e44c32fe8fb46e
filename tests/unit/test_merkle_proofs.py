"""The Merkle tree, its proofs and signed checkpoints, against RFC 9162's definitions."""

from __future__ import annotations

import ast
import hashlib
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from kernel import chain
from services.audit import tlog
from services.audit.tlog import (
    EMPTY_ROOT,
    Checkpoint,
    NoteError,
    PublicKey,
    canonical_bytes,
    chain_link,
    consistency_proof,
    inclusion_proof,
    key_hash,
    leaf_hash,
    node_hash,
    open_checkpoint,
    open_note,
    root_hash,
    sign_note,
    verifier_key,
    verify_consistency,
    verify_inclusion,
)

# --- RFC 9162 section 2.1, written as the RFC writes it: the reference the fast code must match.


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return leaf_hash(d[0])
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def entries(n: int) -> list[bytes]:
    return [f"event {i}".encode() for i in range(n)]


sizes = st.integers(min_value=1, max_value=70)


@given(sizes)
def test_the_root_is_rfc_9162s_merkle_tree_hash(n: int) -> None:
    d = entries(n)
    assert root_hash([leaf_hash(x) for x in d]) == mth(d)


def test_the_empty_tree_hashes_the_empty_string() -> None:
    assert root_hash([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@given(sizes, st.data())
def test_every_leafs_inclusion_proof_is_rfc_9162s_path_and_verifies(
    n: int, data: st.DataObject
) -> None:
    d = entries(n)
    leaves = [leaf_hash(x) for x in d]
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = inclusion_proof(leaves, index)
    assert proof == path(index, d)
    assert verify_inclusion(leaves[index], index, n, proof, mth(d))


@given(sizes)
def test_every_leaf_of_a_tree_verifies(n: int) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    root = root_hash(leaves)
    for i in range(n):
        assert verify_inclusion(leaves[i], i, n, inclusion_proof(leaves, i), root)


@given(sizes, st.data())
def test_an_altered_leaf_fails_its_inclusion_proof(n: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = inclusion_proof(leaves, index)
    altered = leaf_hash(b"altered")
    assert not verify_inclusion(altered, index, n, proof, root_hash(leaves))


@given(st.integers(min_value=2, max_value=70), st.data())
def test_an_inclusion_proof_fails_for_another_index_size_or_a_truncated_path(
    n: int, data: st.DataObject
) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    root = root_hash(leaves)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = inclusion_proof(leaves, index)
    other = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda i: i != index))
    assert not verify_inclusion(leaves[index], other, n, proof, root)
    # A checkpoint's size and root go together: a proof for one tree fails against another.
    wrong_size = data.draw(
        st.integers(min_value=index + 1, max_value=2 * n).filter(lambda s: s != n)
    )
    wrong_root = root_hash([leaf_hash(x) for x in entries(wrong_size)])
    assert not verify_inclusion(leaves[index], index, wrong_size, proof, wrong_root)
    assert not verify_inclusion(leaves[index], index, n, proof[:-1], root)
    assert not verify_inclusion(leaves[index], index, n, [*proof, proof[0]], root)
    assert not verify_inclusion(leaves[index], n, n, proof, root)


@given(sizes, st.data())
def test_consistency_proofs_are_rfc_9162s_and_verify_for_every_older_size(
    n: int, data: st.DataObject
) -> None:
    d = entries(n)
    leaves = [leaf_hash(x) for x in d]
    m = data.draw(st.integers(min_value=1, max_value=n))
    proof = consistency_proof(leaves, m)
    expected = [] if m == n else subproof(m, d, True)
    assert proof == expected
    assert verify_consistency(m, n, mth(d[:m]), mth(d), proof)


@given(sizes)
def test_each_older_size_is_consistent_with_the_whole_tree(n: int) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    root = root_hash(leaves)
    for m in range(n + 1):
        assert verify_consistency(m, n, root_hash(leaves[:m]), root, consistency_proof(leaves, m))


@given(st.integers(min_value=2, max_value=70), st.data())
def test_a_rewritten_prefix_fails_the_consistency_proof(n: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    changed = data.draw(st.integers(min_value=0, max_value=m - 1))
    rewritten = list(leaves)
    rewritten[changed] = leaf_hash(b"rewritten")
    # The old checkpoint saw the original; the new log was rewritten inside the old prefix.
    proof = consistency_proof(rewritten, m)
    assert not verify_consistency(m, n, root_hash(leaves[:m]), root_hash(rewritten), proof)


@given(st.integers(min_value=3, max_value=70), st.data())
def test_a_consistency_proof_fails_for_a_wrong_size_or_a_truncated_path(
    n: int, data: st.DataObject
) -> None:
    leaves = [leaf_hash(x) for x in entries(n)]
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    old, new = root_hash(leaves[:m]), root_hash(leaves)
    proof = consistency_proof(leaves, m)
    assert not verify_consistency(m, n, old, new, proof[:-1])
    assert not verify_consistency(m, n, old, new, [])
    bigger = root_hash([leaf_hash(x) for x in entries(n + 1)])
    assert not verify_consistency(m, n + 1, old, bigger, proof)
    assert not verify_consistency(m, n, new, new, proof)
    assert not verify_consistency(n, m, new, old, proof)


@given(
    st.integers(min_value=1, max_value=10**12),
    st.uuids().map(str),
    st.integers(min_value=1, max_value=10**6),
    st.text(max_size=40),
    st.binary(max_size=200),
    st.binary(min_size=32, max_size=32),
)
def test_the_verifiers_chain_is_the_kernels_chain(
    position: int, oid: str, version: int, topic: str, state: bytes, previous: bytes
) -> None:
    ours = canonical_bytes(position, oid, version, topic, state)
    assert ours == chain.canonical_bytes(position, oid, version, topic, state)
    assert chain_link(previous, ours) == chain.link(previous, ours)


# --- Signed notes and checkpoints (C2SP signed-note, tlog-checkpoint) ---


KEY = Ed25519PrivateKey.generate()
PUBLIC = PublicKey("kaohe-audit", KEY.public_key().public_bytes_raw())


def checkpoint(size: int = 3) -> Checkpoint:
    leaves = [leaf_hash(x) for x in entries(size)]
    return Checkpoint("kaohe/goals", size, root_hash(leaves), size + 10, b"\x07" * 32)


def test_a_signed_checkpoint_reads_back_as_signed() -> None:
    note = sign_note(checkpoint().text(), PUBLIC.name, KEY)
    opened, key = open_checkpoint(note, [PUBLIC])
    assert opened == checkpoint()
    assert key == PUBLIC
    lines = note.split("\n")
    assert lines[:3] == ["kaohe/goals", "3", lines[2]]
    assert lines[5].startswith("\u2014 kaohe-audit ")


def test_the_key_id_is_the_signed_note_key_hash() -> None:
    raw = PUBLIC.public_key
    expected = hashlib.sha256(b"kaohe-audit\n\x01" + raw).digest()[:4]
    assert key_hash("kaohe-audit", raw) == expected
    assert PublicKey.from_verifier_key(verifier_key("kaohe-audit", raw)) == PUBLIC


def test_an_altered_checkpoint_fails_its_signature() -> None:
    note = sign_note(checkpoint().text(), PUBLIC.name, KEY)
    forged = note.replace("\n3\n", "\n4\n", 1)
    with pytest.raises(NoteError, match="does not verify"):
        open_note(forged, [PUBLIC])


def test_a_checkpoint_signed_by_an_unknown_key_is_refused() -> None:
    other = Ed25519PrivateKey.generate()
    note = sign_note(checkpoint().text(), PUBLIC.name, other)
    with pytest.raises(NoteError, match="signed by no known key"):
        open_note(note, [PUBLIC])


def test_a_swapped_signature_is_refused() -> None:
    one = sign_note(checkpoint(3).text(), PUBLIC.name, KEY)
    two = sign_note(checkpoint(4).text(), PUBLIC.name, KEY)
    swapped = one.split("\n\n")[0] + "\n\n" + two.split("\n\n")[1]
    with pytest.raises(NoteError, match="does not verify"):
        open_note(swapped, [PUBLIC])


def test_a_malformed_checkpoint_names_the_line() -> None:
    with pytest.raises(NoteError, match="tree size"):
        Checkpoint.parse("kaohe/goals\nthree\nAAAA\n")
    with pytest.raises(NoteError, match="root hash"):
        Checkpoint.parse("kaohe/goals\n3\nnot base64!\n")


@given(st.binary(min_size=32, max_size=32))
def test_any_verifier_key_reads_back_even_when_its_base64_holds_a_plus(raw: bytes) -> None:
    key = PublicKey("kaohe-audit", raw)
    assert PublicKey.from_verifier_key(verifier_key(key.name, raw)) == key


def test_the_offline_verifier_needs_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(Path(tlog.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}
