# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Near-copy detection: a lightly edited copy is found, an unrelated text is not, passages are marked."""

from __future__ import annotations

import random

from core.orglife import similarity as sm

ORIGINAL = ("通过这次集中学习，我深刻认识到加强党性修养的重要性。作为一名人民警察，必须坚定理想信念，"
            "始终把人民放在心中最高位置，严守纪律规矩，在执法办案中做到公正廉洁，以实际行动践行初心使命。")
# Words swapped, punctuation changed, one clause reordered: the kind of copy a secretary meets.
NEAR_COPY = ("通过本次集中学习，我深刻地认识到加强党性修养的重要性！作为一名人民警察，必须坚定理想信念，"
             "始终把群众放在心中最高位置，严守纪律规矩。在执法办案中做到公正廉洁，用实际行动践行初心使命。")
UNRELATED = ("今年以来，派出所坚持以社区警务为抓手，开展矛盾纠纷排查化解，辖区治安形势持续平稳，"
             "群众安全感和满意度稳步提升，下一步将继续深化智慧安防小区建设。")


def test_near_copy_scores_high_and_unrelated_text_scores_nothing() -> None:
    a, b, c = sm.signature(ORIGINAL), sm.signature(NEAR_COPY), sm.signature(UNRELATED)
    assert sm.jaccard(ORIGINAL, NEAR_COPY) > 0.5
    assert sm.estimate(a, b) > 0.4
    assert sm.jaccard(ORIGINAL, UNRELATED) < 0.05 and sm.estimate(a, c) < 0.1
    assert sm.estimate(a, a) == 1.0


def test_minhash_estimate_tracks_the_exact_jaccard() -> None:
    rng = random.Random(7)
    chars = "党员警察学习纪律规矩人民群众执法办案公正廉洁初心使命理想信念修养"
    for _ in range(20):
        base = "".join(rng.choice(chars) for _ in range(400))
        edited = "".join(ch if rng.random() > 0.15 else rng.choice(chars) for ch in base)
        exact = sm.jaccard(base, edited)
        assert abs(sm.estimate(sm.signature(base), sm.signature(edited)) - exact) < 0.2


def test_closest_picks_the_copy_among_many() -> None:
    rng = random.Random(3)
    others: list[tuple[object, bytes]] = [(i, rng.randbytes(4 * sm.HASHES)) for i in range(2000)]
    others.insert(777, ("copy", sm.signature(NEAR_COPY)))
    others.insert(5, ("other", sm.signature(UNRELATED)))
    best = sm.closest(sm.signature(ORIGINAL), others, top=3)
    assert best[0].key == "copy" and best[0].estimate > best[1].estimate


def test_overlap_spans_cover_the_shared_passages_only() -> None:
    spans = sm.overlap_spans(NEAR_COPY, ORIGINAL)
    marked = "".join(NEAR_COPY[a:b] for a, b in spans)
    assert "加强党性修养的重要性" in marked and "作为一名人民警察，必须坚定理想信念" in marked
    assert "群众放在" not in marked                      # the changed word is not highlighted
    assert 0.6 < sm.covered_share(NEAR_COPY, spans) < 1.0
    assert sm.overlap_spans(UNRELATED, ORIGINAL) == []


def test_fold_ignores_width_case_and_punctuation() -> None:
    assert sm.fold("ＡＢ，c d！")[0] == "abcd"
    assert sm.signature("党员，学习。") == sm.signature("党员学习")
