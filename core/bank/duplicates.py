# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""When two questions are the same: stem, options, answer and media.

The bank keeps each question's ``content_hash`` (:func:`quizbank.model.content_hashes`: type,
stem and options, folded), which finds candidates fast; questions whose hashes match are the
same only when their answers (folded the same way) and their pictures (by content: the store
names media by their SHA-1) match too. A driving-test bank asks the same question about
different pictures, with different answers: those are different questions.

:class:`DuplicateIndex` answers this for an import, chunk by chunk: when no hash of a chunk
has been seen (the usual case) nothing else is computed; otherwise answers and media are
compared for the colliding hashes only, with the bank's rows fetched in one query per chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import QuestionRow
from quizbank.model import Question, SourceRef, normalize_text

Key = tuple[str, tuple[str, ...]]
Parts = tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]   # answer, blanks, media


def answer_key(answer: Sequence[Any], blanks: Sequence[Sequence[Any]]) -> str:
    """The answer and blanks, folded like the stem for the hash."""
    parts = ["\x00".join(normalize_text(str(a)) for a in answer)]
    parts += ["\x00".join(normalize_text(str(x)) for x in b) for b in blanks]
    return "\x01".join(parts)


def stored_media_key(names: Sequence[Any]) -> tuple[str, ...]:
    """Media of a stored question: their store names are ``<sha1>.<ext>``."""
    return tuple(Path(str(n)).stem.lower() for n in names)


def key_of_stored(q: Question) -> Key:
    """The answer-and-media key of a question whose media are store names."""
    return answer_key(q.answer, q.blanks), stored_media_key(q.media)


class DuplicateIndex:
    """The questions an import already has (the bank's, and those taken so far), by content."""

    def __init__(self, session: Session, bank_id: int | None) -> None:
        self.session, self.bank_id = session, bank_id
        self.first: dict[str, SourceRef | None] = {}       # hash -> where it was first seen (None: the bank)
        # hash -> the answer, blanks and media of the first imported question with it, not the whole
        # question: its texts are let go once stored. Equal answers share one tuple (_compact).
        self.firsts: dict[str, Parts] = {}
        self._shared: dict[Parts, Parts] = {}
        self.variants: dict[str, list[tuple[Key, SourceRef | None]]] = {}
        self._digests: dict[str, str] = {}
        if bank_id is not None:
            self.first = dict.fromkeys(session.scalars(select(QuestionRow.content_hash).where(
                QuestionRow.bank_id == bank_id, QuestionRow.is_current)))

    def _compact(self, q: Question) -> Parts:
        """The question's answer, blanks and media as tuples, one shared tuple per distinct value
        (choice and true/false answers repeat: a 100,000-question import keeps a handful)."""
        parts: Parts = (tuple(q.answer), tuple(map(tuple, q.blanks)) if q.blanks else (), tuple(q.media))
        return self._shared.setdefault(parts, parts)

    def _compact_all(self, chunk: Sequence[Question]) -> list[Parts]:
        """:meth:`_compact` of each question, a column at a time (no call per question)."""
        answers = map(tuple, map(_ANSWER, chunk))
        blanks = [tuple(map(tuple, b)) if b else () for b in map(_BLANKS, chunk)] if any(map(_BLANKS, chunk)) \
            else repeat((), len(chunk))
        media = map(tuple, map(_MEDIA, chunk))
        parts = list(zip(answers, blanks, media, strict=True))
        shared = self._shared
        for p in set(parts) - shared.keys():
            shared[p] = p
        return list(map(shared.__getitem__, parts))

    def _media_key(self, media: Sequence[str]) -> tuple[str, ...]:
        out = []
        for ref in media:
            digest = self._digests.get(ref)
            if digest is None:
                try:
                    digest = hashlib.sha1(Path(ref).read_bytes()).hexdigest()
                except OSError:
                    digest = ref
                self._digests[ref] = digest
            out.append(digest)
        return tuple(out)

    def key(self, q: Question) -> Key:
        """The answer-and-media key of a question being imported (media are files)."""
        return answer_key(q.answer, q.blanks), self._media_key(q.media)

    def take(self, chunk: Sequence[Question], hashes: Sequence[str]
             ) -> tuple[list[tuple[Question, str]], list[tuple[Question, SourceRef | None]]]:
        """(new questions with their hashes, duplicates with where their twin was first seen)."""
        if self.first.keys().isdisjoint(hashes) and len(set(hashes)) == len(hashes):
            self.first.update(zip(hashes, map(_SOURCE, chunk), strict=True))
            self.firsts.update(zip(hashes, self._compact_all(chunk), strict=True))
            return list(zip(chunk, hashes, strict=True)), []
        self._load_stored([h for h in set(hashes) if h in self.first and h not in self.firsts
                           and h not in self.variants])
        new: list[tuple[Question, str]] = []
        twins: list[tuple[Question, SourceRef | None]] = []
        for q, h in zip(chunk, hashes, strict=True):
            if h not in self.first:
                self.first[h] = q.source
                self.firsts[h] = self._compact(q)
                new.append((q, h))
                continue
            variants = self.variants.get(h)
            if variants is None:
                answer, blanks, media = self.firsts[h]
                variants = self.variants[h] = [((answer_key(answer, blanks), self._media_key(media)), self.first[h])]
            key = self.key(q)
            twin = next((src for k, src in variants if k == key), _NONE)
            if twin is not _NONE:
                twins.append((q, twin if isinstance(twin, SourceRef) else None))
                continue
            variants.append((key, q.source))
            new.append((q, h))
        return new, twins

    def _load_stored(self, hashes: list[str]) -> None:
        """The answer-and-media keys of the bank's questions with these hashes (one query)."""
        if not hashes or self.bank_id is None:
            for h in hashes:
                self.variants.setdefault(h, [])
            return
        rows = self.session.execute(select(QuestionRow.content_hash, QuestionRow.answer, QuestionRow.blanks,
                                           QuestionRow.media).where(
            QuestionRow.bank_id == self.bank_id, QuestionRow.is_current, QuestionRow.content_hash.in_(hashes)))
        found: dict[str, list[tuple[Key, SourceRef | None]]] = {h: [] for h in hashes}
        for h, answer, blanks, media in rows:
            found[h].append(((answer_key(answer or [], blanks or []), stored_media_key(media or [])), None))
        self.variants.update(found)


_NONE = object()
_SOURCE, _ANSWER, _BLANKS, _MEDIA = map(attrgetter, ("source", "answer", "blanks", "media"))
