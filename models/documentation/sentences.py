"""A learned second reader for the rulebook elements whose wording is open-ended.

The checker's word lists (`cues`) are precise but cannot list every way a clinician writes a response
("she seemed to take that in") or a loss of function ("sent to the principal's office four times"). This
module learns those from hand-labelled notes: every sentence that holds an element's marked evidence is a
positive example of that element, every other sentence a negative one. One TF-IDF vocabulary (words and
character n-grams, so shorthand and typos still share features) feeds one logistic regression per element.

The checker combines the two readers: an element is present when the rules find it or when some sentence's
probability reaches the threshold (`SentenceModel.threshold`); the evidence is then that sentence.

The model is trained from the labelled notes shipped in `training_notes/` (and the demo generator's notes,
so that its templates read as they are written) in a few seconds, once per process (`default_model`); it is
deterministic, so nothing needs storing. A long-running reader that wants it at once (the dashboards' co-pilot)
keeps a copy on disk with `stored_model`, named after what it was trained from.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.documentation.evidence import Evidence
from models.documentation.rulebook import ELEMENTS

if TYPE_CHECKING:  # scikit-learn is imported when a model is trained, not by every reader of the word lists
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

# The elements the rules miss most on unseen wording (docs/documentation-checker.md). Time, risk and plan are
# left to the rules: their wording is closed, and the rules' recall on unseen notes is already above 0.95.
LEARNED_ELEMENTS: tuple[str, ...] = ("mental_status", "intervention", "response", "necessity", "participants")
THRESHOLD = 0.5
GENERATOR_NOTES = 1500  # demo-generator notes added to the training sentences
TRAINING_PACKAGE = "models.documentation.training_notes"

_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """The note's sentences (and lines, and semicolon clauses) as (start, end) offsets, blanks left out."""
    out, position = [], 0
    for part in _SPLIT.split(text):
        if not part.strip():
            position += len(part)
            continue
        start = text.find(part, position)
        out.append((start, start + len(part)))
        position = start + len(part)
    return out


@dataclass(frozen=True)
class LabelledNote:
    """A note with, per element, the offsets of its marked evidence (absent: the element is not in the note)."""

    text: str
    spans: dict[str, tuple[int, int]]


def labelled_note(record: dict) -> LabelledNote:
    """A labelled-notes JSONL record ({"text", "elements", "spans"}) as a LabelledNote; an element labelled
    present without a findable span is left out (it cannot say which sentence holds it)."""
    text = record["text"]
    spans = {}
    for element, present in record["elements"].items():
        span = (record.get("spans") or {}).get(element)
        at = text.find(span) if present and span else -1
        if at >= 0:
            spans[element] = (at, at + len(span))
    return LabelledNote(text, spans)


def read_training_notes() -> list[LabelledNote]:
    """The labelled notes shipped with the checker (`training_notes/*.jsonl`)."""
    notes = []
    for entry in sorted(resources.files(TRAINING_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            for line in entry.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    notes.append(labelled_note(json.loads(line)))
    return notes


def generator_notes(count: int, seed: int = 20260101) -> list[LabelledNote]:
    """Notes of the demo generator with the spans it wrote each element in."""
    from synthetic.notes import compose_note_with_spans  # the generator is only needed to train

    rng = random.Random(seed)
    cpts = ("90791", "90832", "90834", "90837", "90846", "90847", "90853", "90839")
    diagnoses = ("F41.1", "F32.1", "F43.10", "F90.0", "F93.0", "F10.20", "F33.1")
    cst = timezone(timedelta(hours=-6))
    notes = []
    for _ in range(count):
        cpt = rng.choice(cpts)
        present = frozenset(e for e in ELEMENTS if rng.random() < 0.6 and (e != "participants" or
                                                                          cpt in ("90846", "90847")))
        start = datetime(2024, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59),
                         tzinfo=cst)
        participants = {"90846": ("mother",), "90847": ("father", "patient")}.get(cpt, ())
        text, spans = compose_note_with_spans(rng, present, cpt, start, start + timedelta(minutes=rng.randint(20, 80)),
                                              rng.choice(diagnoses), rng.choice(("Ana", "Devon", "Mia")), participants)
        notes.append(LabelledNote(text, {e: span for e, span in spans.items() if e in ELEMENTS}))
    return notes


def _sentence_rows(notes: Iterable[LabelledNote]) -> tuple[list[str], dict[str, np.ndarray]]:
    texts, labels = [], {element: [] for element in LEARNED_ELEMENTS}
    for note in notes:
        for start, end in sentences(note.text):
            texts.append(note.text[start:end])
            for element in LEARNED_ELEMENTS:
                span = note.spans.get(element)
                labels[element].append(span is not None and span[0] < end and start < span[1])
    return texts, {element: np.array(values, dtype=bool) for element, values in labels.items()}


@dataclass
class SentenceModel:
    """One vocabulary and one classifier per learned element."""

    vectorizer: FeatureUnion
    classifiers: dict[str, LogisticRegression]
    threshold: float = THRESHOLD

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Per element, each sentence's probability of stating it."""
        if not texts:
            return {element: np.zeros(0) for element in self.classifiers}
        # Notes repeat their sentences (templates, copy-forward: six in seven of the demo's), so each distinct
        # sentence is read once; cutting character n-grams is most of the cost.
        distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        matrix = self.vectorizer.transform(distinct.tolist())
        return {element: clf.predict_proba(matrix)[:, 1][inverse] for element, clf in self.classifiers.items()}

    def find(self, notes: Sequence[str]) -> list[dict[str, Evidence]]:
        """Per note, the learned elements some sentence states, each with its most probable sentence."""
        bounds = [sentences(text or "") for text in notes]
        flat = [text[start:end] for text, spans in zip(notes, bounds, strict=True) for start, end in spans]
        probabilities = self.probabilities(flat)
        found: list[dict[str, Evidence]] = []
        offset = 0
        for text, spans in zip(notes, bounds, strict=True):
            note: dict[str, Evidence] = {}
            for element, values in probabilities.items():
                window = values[offset:offset + len(spans)]
                if len(window) and window.max() >= self.threshold:
                    start, end = spans[int(window.argmax())]
                    note[element] = Evidence(start, end, text[start:end])
            found.append(note)
            offset += len(spans)
        return found


def train(notes: Iterable[LabelledNote]) -> SentenceModel:
    """A SentenceModel fitted on the sentences of `notes` (deterministic: liblinear with a fixed seed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    texts, labels = _sentence_rows(notes)
    vectorizer = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                  lowercase=True, dtype=np.float32)),
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True,
                                  dtype=np.float32)),
    ])
    matrix = vectorizer.fit_transform(texts)
    classifiers = {}
    for element in LEARNED_ELEMENTS:
        clf = LogisticRegression(C=16.0, max_iter=2000, class_weight="balanced", solver="liblinear", random_state=0)
        clf.fit(matrix, labels[element])
        classifiers[element] = clf
    return SentenceModel(vectorizer, classifiers)


@cache
def default_model() -> SentenceModel:
    """The model trained on the shipped labelled notes and the generator's notes (trained once per process)."""
    return train([*read_training_notes(), *generator_notes(GENERATOR_NOTES)])


def training_digest() -> str:
    """What a trained model depends on: the shipped labelled notes, the training settings, this module's code and
    scikit-learn's version. A stored model with another digest is not this code's model."""
    import sklearn

    digest = hashlib.sha256()
    for entry in sorted(resources.files(TRAINING_PACKAGE).iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".jsonl"):
            digest.update(entry.name.encode() + entry.read_bytes())
    digest.update(f"{GENERATOR_NOTES}|{THRESHOLD}|{sklearn.__version__}".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def stored_model(folder: Path) -> SentenceModel:
    """default_model's model, read from `folder` when a process stored it there from the same training digest;
    else trained (a few seconds) and stored there for the next one. The file is Lantern's own, in its model
    store, so unpickling it is as safe as the store."""
    path = Path(folder) / f"sentence_model-{training_digest()}.pkl"
    if path.is_file():
        with path.open("rb") as handle:
            return pickle.load(handle)
    model = default_model()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # whole or not at all: a reader never sees half a model
    return model
