"""The reference models: the intended claim process and the intended patient journey, written down to check the
event log against (`mining.conformance`). Reviewed like code: a change here changes what counts as a deviation.

A model is a process tree, built below with five words (each returns pm4py's process-tree text):

- `sequence(a, b, ...)`: a, then b, then ...
- `choice(a, b, ...)`: exactly one of them
- `parallel(a, b, ...)`: all of them, in any order, interleaved
- `optional(a)`: a, or nothing
- `zero_or_more(a)`: a any number of times, none included

A leaf is an activity, spelled exactly as in dbt_project/seeds/event_activities.csv, whose `description` says
what the event is; the comments below cite it as "seed: ...". An activity the model does not name is never
allowed: every one of the seed's deviations (denials, resubmissions, reversals, re-sends, rejections,
rebookings, no-shows, cancellations, voids, write-offs, lost referrals) is left out on purpose, so that
conformance reports it as "unexpected <activity>".

The choices were checked against the activity order of the generated demo practice (`marts.event_log`,
`event_order`; variants from `mining.variants.variants`): the happy path of the demo fits with fitness 1.0
(tests/test_mining_conformance.py). Where the data showed an order the first draft of the intended process did
not allow, the comment says which way it was decided and why.

A case still open on the as-of date does not fit: the model ends in "claim closed" / "first session held", so
an open claim shows "skipped claim closed" (and the steps still to come) as deviations. Restrict the log to
cases old enough to have finished (`EventFilter.case_start_to`) to measure finished work only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mining.events import EventFilter

if TYPE_CHECKING:
    from pm4py.objects.petri_net.obj import Marking, PetriNet

    from mining.discovery import ProcessModel


class Tree(str):
    """A subtree's process-tree text (what the five words return), as opposed to a plain string, an activity."""


TAU = Tree("tau")  # pm4py's silent step: "nothing happens"


def activity(label: str) -> Tree:
    """One activity, as a process-tree leaf."""
    if not label or "'" in label or label != label.strip():
        raise ValueError(f"not an activity label pm4py's process-tree text can hold: {label!r}")
    return Tree(f"'{label}'")


def _node(operator: str, children: tuple[str, ...]) -> Tree:
    if not children:
        raise ValueError(f"{operator} needs at least one child")
    # pm4py's own format (ProcessTree.to_string), so the text round-trips through pm4py.parse_process_tree.
    return Tree(f"{operator}( {', '.join(c if isinstance(c, Tree) else activity(c) for c in children)} )")


def sequence(*children: str) -> Tree:
    return _node("->", children)


def choice(*children: str) -> Tree:
    return _node("X", children)


def parallel(*children: str) -> Tree:
    return _node("+", children)


def optional(child: str) -> Tree:
    return choice(TAU, child)


def zero_or_more(child: str) -> Tree:
    # pm4py's loop *(do, redo) runs do, then any number of (redo, do): with a silent do, any number of child.
    return _node("*", (TAU, child))


@dataclass(frozen=True)
class ReferenceModel:
    """A reference model of one case notion of the event log: its name, the case type it describes
    (`marts.event_log.case_type`), and the process tree as pm4py's text."""

    name: str
    case_type: str
    tree: str

    @property
    def activities(self) -> tuple[str, ...]:
        """The activities the model names, in the order they are written (the intended path's order)."""
        labels: list[str] = []
        rest = self.tree
        while (start := rest.find("'")) >= 0:
            end = rest.index("'", start + 1)
            labels.append(rest[start + 1:end])
            rest = rest[end + 1:]
        return tuple(dict.fromkeys(labels))

    @property
    def case_filter(self) -> EventFilter:
        """The cases of `marts.event_log` this model describes."""
        return EventFilter(equals={"case_type": self.case_type})

    def petri_net(self) -> tuple[PetriNet, Marking, Marking]:
        """The model as a Petri net with initial and final marking (pm4py's conversion of the tree)."""
        import pm4py

        return pm4py.convert_to_petri_net(pm4py.parse_process_tree(self.tree))

    def process_model(self) -> ProcessModel:
        """The model as `mining.discovery.ProcessModel`: the Petri net and BPMN as tables a dashboard draws."""
        import pm4py

        from mining.discovery import ProcessModel, bpmn_tables, petri_net_tables

        tree = pm4py.parse_process_tree(self.tree)
        net, initial, final = pm4py.convert_to_petri_net(tree)
        places, transitions, arcs = petri_net_tables(net, initial, final)
        nodes, flows = bpmn_tables(pm4py.convert_to_bpmn(tree))
        return ProcessModel(self.tree, places, transitions, arcs, nodes, flows, net, initial, final)


CLAIM = ReferenceModel(
    name="intended claim process",
    case_type="claim",
    tree=sequence(
        # Seed: "The appointment the claim bills was completed". Every claim case starts here.
        "session held",
        parallel(
            # The billing work, one step after the other.
            sequence(
                # Seed: "The session's final progress note was signed". Before the claim, deliberately: billing a
                # session whose note is not signed is the compliance risk this check is for. The demo has
                # claims submitted (or even accepted) before the note is signed (about 3% of claims): they show
                # as "skipped note signed" + "unexpected note signed".
                "note signed",
                # Seed: "The original submission: the earliest 837 carrying the claim with frequency code 1".
                "claim submitted",
                # Seed: "A 277CA claim status with category A1 or A2". Optional: not every payer or
                # clearinghouse returns a 277CA. A rejection (A3/A6/A7/A8) and the "claim re-sent" after it
                # are deviations.
                optional("277CA: accepted"),
                # One adjudication that pays, in the seed's words "not a reversal and not a denial": paid in
                # full, partially paid (the payer refused part of the allowed amount), or patient
                # responsibility (the payer paid nothing and assigned the allowed amount to the patient, as
                # for a deductible; the intended outcome too: the claim was processed as billed).
                # "adjudicated: denied", "adjudication reversed" and everything after them are deviations.
                choice("adjudicated: paid", "adjudicated: partially paid", "adjudicated: patient responsibility"),
                # Seed: "The first adjudication with CLP05 > 0": only when the patient owes a share.
                optional("patient billed"),
            ),
            # Seed: "A PM patient payment whose appointment_id is the claim", any number of them. In parallel
            # with the billing work, not after "patient billed" as first drafted: the demo's most frequent
            # claim variant has the copay collected at the session, before the note is signed and the claim
            # submitted; installments after the bill repeat it.
            zero_or_more("patient paid"),
        ),
        # Seed: "The claim is settled ... payer paid + patient paid >= allowed", dated at the later of its last
        # adjudication and its last patient payment, so it is always the last step. "claim written off" (a
        # final denial) and "claim voided" are deviations.
        "claim closed",
    ),
)

JOURNEY = ReferenceModel(
    name="intended patient journey",
    case_type="patient_journey",
    tree=sequence(
        # Seed: "The referral reached the practice". Every patient-journey case starts here.
        "referral received",
        # Seed: "The front desk first reached the person".
        "first contact",
        # Seed: "Intake paperwork was sent" / "Intake paperwork came back". Kept required and in sequence,
        # not optional or parallel with the scheduling: in the demo every journey that reaches a booking has
        # sent and completed its intake first, and making them optional would hide a skipped intake.
        "intake sent",
        "intake completed",
        # Getting the first session ready: three things, each done before the first session, in any order.
        # First drafted as eligibility, then authorization, then booking; the demo verifies eligibility after
        # booking (its most frequent journey: "first appointment booked > eligibility verified"), and
        # requests authorization before booking, between, or after eligibility.
        parallel(
            # Seed: "The first appointment carrying the referral_id was booked". Rebookings, no-shows and
            # cancellations are deviations.
            "first appointment booked",
            # Seed: "A PM eligibility check ... with result active". A check with another result ("eligibility
            # not verified") is a deviation; so is a second check (rework).
            "eligibility verified",
            # Seed: "A PM prior authorization ... requested", then "decided ... approved". Optional: most
            # payers do not require one for outpatient therapy. A denial is a deviation, and so is an approval
            # that arrives after the first session (the session was held without it).
            optional(sequence("authorization requested", "authorization approved")),
        ),
        # Seed: "The referral's first completed appointment was held. The intended path ends here."
        # "referral lost" is a deviation.
        "first session held",
    ),
)

MODELS = (CLAIM, JOURNEY)
