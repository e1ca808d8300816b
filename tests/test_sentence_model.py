"""The checker's sentence model (models.documentation.sentences): how notes are cut into sentences, how labelled
notes become training rows, and how the checker combines it with the word lists."""

from models.documentation import sentences
from models.documentation.checker import check_note


def test_sentences_are_the_notes_sentences_lines_and_clauses_by_offset():
    text = "Pt calm. Denies SI/HI; CBT used.\n\nRTC 1 wk"
    assert [text[a:b] for a, b in sentences.sentences(text)] == ["Pt calm.", "Denies SI/HI;", "CBT used.", "RTC 1 wk"]
    assert sentences.sentences("") == []


def test_a_labelled_record_keeps_the_spans_it_can_find():
    record = {"text": "Client tearful. Plan: weekly.", "elements": {"mental_status": True, "plan": True,
                                                                     "response": True},
              "spans": {"mental_status": "tearful", "plan": "Plan: weekly", "response": "not in the text"}}
    note = sentences.labelled_note(record)
    assert note.spans == {"mental_status": (7, 14), "plan": (16, 28)}  # the response's span cannot be found


TEXT = ("Pt seen 10:02-10:55. Denies SI/HI. CBT: cognitive restructuring; pt engaged. "
        "Sent to the principal's office four times this month. RTC 1 wk.")


def test_the_model_adds_an_element_the_word_lists_miss_with_its_sentence_as_evidence():
    rules_only = check_note(TEXT, "90837", 53, model=None)
    assert not rules_only.has("necessity")
    assert rules_only.missing_elements == ("necessity",)
    both = check_note(TEXT, "90837", 53)
    necessity = both.element("necessity")
    assert necessity.present and necessity.found_by == "model"
    assert necessity.evidence.text == "Sent to the principal's office four times this month."
    assert both.element("time").found_by == "rules"
    assert both.missing_elements == () and both.passes_rulebook


def test_training_is_deterministic():
    notes = sentences.generator_notes(150)
    first, second = sentences.train(notes), sentences.train(notes)
    probe = ["Client tearful and withdrawn.", "Missed three shifts this month."]
    for element in sentences.LEARNED_ELEMENTS:
        assert (first.probabilities(probe)[element] == second.probabilities(probe)[element]).all()


def test_a_stored_model_is_trained_once_then_read_back_the_same(tmp_path, monkeypatch):
    import models.documentation.sentences as sentences

    trained = []
    real = sentences.default_model

    def counting():
        trained.append(1)
        return real()

    monkeypatch.setattr(sentences, "default_model", counting)
    first = sentences.stored_model(tmp_path)
    stored = list(tmp_path.glob("sentence_model-*.pkl"))
    assert len(stored) == 1 and stored[0].name == f"sentence_model-{sentences.training_digest()}.pkl"
    again = sentences.stored_model(tmp_path)
    assert len(trained) == 1  # the second came from the file
    notes = ["Pt practiced paced breathing and said it helped a little.", "Plan: continue weekly CBT."]
    assert again.find(notes) == first.find(notes)
    # A file of another digest (other notes, settings or code) is not read: a model is trained anew.
    stored[0].rename(tmp_path / "sentence_model-0000000000000000.pkl")
    sentences.stored_model(tmp_path)
    assert len(trained) == 2
