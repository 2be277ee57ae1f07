"""Choosing what a rollback puts back, from the function's versions and the stored releases."""

from __future__ import annotations

import base64
import hashlib

import pytest

from ops.releases import LiveState, Release, ReleaseError, choose_target, hex_of, release_key

A, B, C = (hashlib.sha256(x).hexdigest() for x in (b"zip a", b"zip b", b"zip c"))


def _release(sha: str, index: str) -> Release:
    return Release(sha, release_key("faq-search-prod", sha), index, ("arn:layer:1",))


KNOWN = {A: _release(A, "aaaa"), B: _release(B, "bbbb"), C: _release(C, "cccc")}


def test_lambda_s_base64_code_hash_reads_as_the_zip_s_hex_sha256():
    digest = hashlib.sha256(b"zip a").digest()
    assert hex_of(base64.b64encode(digest).decode()) == A
    assert hex_of(A) == A  # an emulator answering hex already


def test_the_default_is_the_newest_version_with_other_code():
    # Versions 3 and 4 both run C (a redeploy of the same zip): the previous release is B.
    state = LiveState(C, (), ((1, A), (2, B), (3, C), (4, C)))
    assert choose_target(state, KNOWN, None).index_version == "bbbb"


def test_versions_without_a_stored_release_are_passed_over():
    state = LiveState(C, (), ((1, A), (2, B), (3, C)))
    known = {A: KNOWN[A], C: KNOWN[C]}
    assert choose_target(state, known, None).index_version == "aaaa"


def test_nothing_earlier_is_a_clear_error():
    with pytest.raises(ReleaseError, match="nothing to roll back to"):
        choose_target(LiveState(A, (), ((1, A),)), KNOWN, None)


def test_to_names_an_index_version_and_an_unknown_one_lists_the_stored_ones():
    state = LiveState(C, (), ((1, A), (2, B), (3, C)))
    assert choose_target(state, KNOWN, "aaaa").sha256 == A
    with pytest.raises(ReleaseError, match="stored releases serve: aaaa, bbbb, cccc"):
        choose_target(state, KNOWN, "ffff")
