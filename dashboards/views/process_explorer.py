"""Process explorer (analysts): how claims and patient journeys actually run. The process map with a frequency or
performance view and filters (case start, payer, clinician, modality); the variants with their money; the
deviations from the intended process; the bottlenecks; two segments side by side; the XES and OCEL exports.
Groups of fewer than 11 patients are shown as suppressed, never as a number."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import data
from dashboards.common import download, require_access, require_warehouse
from dashboards.downloads import is_pseudonymised
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import money, percent
from dashboards.process_map import (
    CASE_TYPES,
    MIN_PATIENTS,
    MODES,
    edges_to_show,
    filter_arguments,
    hours_label,
    process_map_dot,
    segment_filters,
    suppress_small,
)

SUPPRESSED = f"suppressed (< {MIN_PATIENTS})"

viewer = require_access("process_explorer")
st.title("Process explorer")
path, mtime = require_warehouse(viewer)
case_type = st.radio("Case type", list(CASE_TYPES), format_func=lambda name: CASE_TYPES[name].capitalize(),
                     horizontal=True, help=DEFINITIONS["process_cases"])
if not data.process_mining_ready(path, mtime, case_type):
    st.info("No process mining in the warehouse yet: `lantern build` mines the event log after dbt.")
    st.stop()

options = data.process_filter_options(path, mtime, case_type)
dates = options[options["dimension"] == "case start"].iloc[0]
if pd.isna(dates["first_day"]):
    st.info(f"No {CASE_TYPES[case_type]} in the event log yet.")
    st.stop()
full_range = (dates["first_day"].date(), dates["last_day"].date())


def labels(dimension: str) -> dict[str, str]:
    picked = options[options["dimension"] == dimension]
    return dict(zip(picked["value"], picked["label"], strict=True))


payer_labels, clinician_labels, modality_labels = labels("payer"), labels("clinician"), labels("modality")
when, who_pays, who_sees, how = st.columns([1.2, 1, 1, 0.8])
picked_range = when.date_input("Cases that started", value=full_range, min_value=full_range[0],
                               max_value=full_range[1], key=f"range_{case_type}", help=DEFINITIONS["process_cases"])
payers = who_pays.multiselect("Payer", list(payer_labels), format_func=payer_labels.get, placeholder="all payers")
clinicians = who_sees.multiselect("Clinician", list(clinician_labels), format_func=clinician_labels.get,
                                  placeholder="all clinicians")
modalities = how.multiselect("Modality", list(modality_labels), placeholder="all")
filters = filter_arguments(picked_range, full_range, payers, clinicians, modalities)

cases, patients = data.process_patients(path, mtime, case_type, **filters)
conformance = data.process_conformance(path, mtime, case_type)
variants = data.process_variants(path, mtime, case_type)
a, b, c, d = st.columns(4)
# A handful of cases is a handful of patients (a journey is one patient's referral): suppressed with them.
a.metric("Cases", f"{cases:,}" if patients >= MIN_PATIENTS else SUPPRESSED, help=DEFINITIONS["process_cases"])
b.metric("Patients", f"{patients:,}" if patients >= MIN_PATIENTS else SUPPRESSED, help=DEFINITIONS["suppressed"])
c.metric("Variants, whole log", f"{len(variants):,}", help=DEFINITIONS["process_variant"])
if len(conformance):
    d.metric("Cases fitting the intended process, whole log",
             percent(conformance["percentage_of_fitting_traces"].iloc[0] / 100), help=DEFINITIONS["process_fitting_cases"])

tabs = st.tabs(["Map", "Variants", "Deviations", "Bottlenecks", "Compare segments", "Exports"],
               key="tab", on_change="rerun")
map_tab, variants_tab, deviations_tab, bottlenecks_tab, compare_tab, exports_tab = tabs


def draw(mapped, mode: str, share: float, start_end: bool) -> None:
    st.graphviz_chart(process_map_dot(mapped.dfg, mapped.start_end, mode, share, start_end), width="stretch")


if map_tab.open:
    with map_tab:
        left, middle, right = st.columns([1, 2, 1])
        mode = left.radio("Show", MODES, horizontal=True, key="mode",
                          help="Frequency: how often each step follows the one before. Performance: the median "
                               "time between them.")
        share = middle.slider("Share of the edges shown (most frequent first)", 0.05, 1.0, 0.5, 0.05, key="share",
                              format="%.2f", help="Fewer edges keep the map readable; every activity stays.")
        start_end = right.checkbox("Start and end", value=True, key="start_end",
                                   help="Link the activities that start and end cases to a start and an end node.")
        if patients < MIN_PATIENTS:
            st.info(f"These filters keep fewer than {MIN_PATIENTS} patients: the map is suppressed "
                    "(CMS cell-size rule).")
        else:
            mapped = data.process_map_data(path, mtime, case_type, **filters)
            st.caption(f"{CASE_TYPES[case_type].capitalize()}: the {len(edges_to_show(mapped.dfg, share)):,} most "
                       f"frequent of {len(mapped.dfg):,} edges shown. {DEFINITIONS['process_map']}")
            draw(mapped, mode, share, start_end)
            with st.expander("The edges as a table"):
                st.dataframe(mapped.dfg, hide_index=True, width="stretch", column_config={
                    "frequency": st.column_config.NumberColumn("frequency", format="localized"),
                    "mean_hours": st.column_config.NumberColumn("mean hours", format="%.1f"),
                    "median_hours": st.column_config.NumberColumn("median hours", format="%.1f"),
                    "p90_hours": st.column_config.NumberColumn("p90 hours", format="%.1f")})

if variants_tab.open:
    with variants_tab:
        shown, hidden, hidden_share = suppress_small(variants, "patients")
        st.caption(f"The whole log's variants, most frequent first. {DEFINITIONS['process_variant']}")
        top = shown.head(10).assign(label=lambda t: "#" + t["variant_rank"].astype(str))
        if len(top):
            money_columns = {"payer_paid_per_case": "payer paid", "patient_paid_per_case": "patient paid",
                             "written_off_per_case": "written off"}
            long = top.melt(id_vars=["label", "variant", "cases"], value_vars=list(money_columns),
                            var_name="money", value_name="dollars per case")
            long["money"] = long["money"].map(money_columns)
            figure = px.bar(long, x="dollars per case", y="label", color="money", orientation="h",
                            title="Where each case's money ends up, the 10 most frequent variants",
                            labels={"label": "variant"}, hover_data={"variant": True, "cases": ":,"})
            figure.update_xaxes(tickprefix="$", tickformat=",.0f")
            figure.update_yaxes(autorange="reversed")
            st.plotly_chart(figure, width="stretch")
        table = shown.assign(median_throughput_days=shown["median_throughput_hours"] / 24)
        columns = {
            "variant_rank": st.column_config.NumberColumn("rank"),
            "variant": st.column_config.TextColumn("variant", width="large", help=DEFINITIONS["process_variant"]),
            "cases": st.column_config.NumberColumn("cases", format="localized"),
            "patients": st.column_config.NumberColumn("patients", format="localized", help=DEFINITIONS["suppressed"]),
            "share": st.column_config.NumberColumn("share of cases", format="percent"),
            "median_throughput_days": st.column_config.NumberColumn("median throughput (days)", format="%.1f",
                                                                    help=DEFINITIONS["process_throughput"]),
            "charged_total": st.column_config.NumberColumn("charged", format="dollar"),
            "payer_paid_total": st.column_config.NumberColumn("payer paid", format="dollar"),
            "patient_paid_total": st.column_config.NumberColumn("patient paid", format="dollar"),
            "written_off_total": st.column_config.NumberColumn("written off", format="dollar"),
            "charged_per_case": st.column_config.NumberColumn("charged per case", format="dollar"),
            "payer_paid_per_case": st.column_config.NumberColumn("payer paid per case", format="dollar"),
        }
        if case_type == "claim":
            columns["denial_rate"] = st.column_config.NumberColumn("first-pass denial rate", format="percent",
                                                                   help=DEFINITIONS["initial_denial_rate"])
            columns["median_days_to_payment"] = st.column_config.NumberColumn(
                "median days to payment", format="%.1f", help=DEFINITIONS["days_to_payment"])
        st.dataframe(table[list(columns)], column_config=columns, hide_index=True, width="stretch")
        if hidden:
            st.caption(f"{hidden:,} variants followed by fewer than {MIN_PATIENTS} patients each "
                       f"({percent(hidden_share)} of the cases together) are suppressed.")
        st.caption(f"All variants together: {money(variants['charged_total'].sum())} charged, "
                   f"{money(variants['payer_paid_total'].sum())} paid by payers, "
                   f"{money(variants['patient_paid_total'].sum())} by patients, "
                   f"{money(variants['written_off_total'].sum())} written off.")

if deviations_tab.open:
    with deviations_tab:
        if len(conformance):
            model = conformance.iloc[0]
            left, right = st.columns(2)
            left.metric("Log fitness", f"{model['log_fitness']:.3f}", help=DEFINITIONS["process_fitting_cases"])
            right.metric("Fitting cases", percent(model["percentage_of_fitting_traces"] / 100),
                         help=DEFINITIONS["process_fitting_cases"])
            st.caption(f"Against the {model['model_name']} (mining/reference_model.py): `{model['model_tree']}`")
        deviations, hidden, _ = suppress_small(data.process_deviations(path, mtime, case_type), "cases")
        if len(deviations):
            figure = px.bar(deviations.head(15), x="share", y="deviation", color="source", orientation="h",
                            title="Share of cases with each deviation (the 15 most common)",
                            labels={"share": "share of cases", "source": "from"},
                            hover_data={"cases": ":,", "share": ":.1%"})
            figure.update_xaxes(tickformat=".0%")
            figure.update_yaxes(autorange="reversed")
            st.plotly_chart(figure, width="stretch")
            columns = {
                "deviation": st.column_config.TextColumn("deviation", help=DEFINITIONS["process_deviation"]),
                "source": st.column_config.TextColumn("from"),
                "cases": st.column_config.NumberColumn("cases", format="localized"),
                "share": st.column_config.NumberColumn("share of cases", format="percent"),
            }
            if case_type == "claim":
                columns["denial_rate_with"] = st.column_config.NumberColumn(
                    "denial rate with it", format="percent", help=DEFINITIONS["process_deviation"])
                columns["denial_rate_without"] = st.column_config.NumberColumn(
                    "denial rate without it", format="percent", help=DEFINITIONS["process_deviation"])
            st.dataframe(deviations[list(columns)], column_config=columns, hide_index=True, width="stretch")
        st.caption(DEFINITIONS["process_deviation"] + (f" {hidden} deviations with fewer than {MIN_PATIENTS} cases are "
                                                "suppressed." if hidden else ""))

if bottlenecks_tab.open:
    with bottlenecks_tab:
        edges, activities = data.process_bottlenecks(path, mtime, case_type)
        edges, hidden_edges, _ = suppress_small(edges, "cases")
        activities, hidden_activities, _ = suppress_small(activities, "cases")
        if len(edges):
            top = edges.head(12).assign(edge=lambda t: t["source"] + " → " + t["target"])
            figure = px.bar(top, x="share", y="edge", orientation="h",
                            title="Where the waiting goes: share of all waiting time by edge (top 12)",
                            labels={"share": "share of all waiting time"},
                            hover_data={"total_hours": ":,.0f", "median_hours": ":,.1f", "cases": ":,"})
            figure.update_xaxes(tickformat=".0%")
            figure.update_yaxes(autorange="reversed")
            st.plotly_chart(figure, width="stretch")
        hours = {
            "frequency": st.column_config.NumberColumn("frequency", format="localized"),
            "cases": st.column_config.NumberColumn("cases", format="localized"),
            "total_hours": st.column_config.NumberColumn("total hours", format="localized",
                                                         help=DEFINITIONS["process_bottleneck"]),
            "share": st.column_config.NumberColumn("share of waiting", format="percent",
                                                   help=DEFINITIONS["process_bottleneck"]),
            "median_hours": st.column_config.NumberColumn("median hours", format="%.1f"),
            "p90_hours": st.column_config.NumberColumn("p90 hours", format="%.1f"),
        }
        left, right = st.columns(2)
        left.markdown("**Edges**")
        left.dataframe(edges[["source", "target", *hours]], column_config=hours, hide_index=True, width="stretch")
        right.markdown("**Activities (the wait before them)**")
        right.dataframe(activities[["activity", *hours]], column_config=hours, hide_index=True, width="stretch")
        hidden = hidden_edges + hidden_activities
        st.caption(DEFINITIONS["process_bottleneck"] + (f" {hidden} rows with fewer than {MIN_PATIENTS} cases are "
                                                 "suppressed." if hidden else ""))

if compare_tab.open:
    with compare_tab:
        dimension = st.radio("Compare by", ["payer", "clinician", "modality"], horizontal=True, key="dimension")
        choices = {"payer": payer_labels, "clinician": clinician_labels, "modality": modality_labels}[dimension]
        values = list(choices)
        if len(values) < 2:
            st.info(f"Only {len(values)} {dimension} in these {CASE_TYPES[case_type]}: nothing to compare.")
        else:
            left, right = st.columns(2)
            first = left.selectbox("Segment A", values, index=0, format_func=choices.get, key=f"a_{dimension}")
            second = right.selectbox("Segment B", values, index=1, format_func=choices.get, key=f"b_{dimension}")
            sides = [segment_filters(filters, dimension, value) for value in (first, second)]
            counts = [data.process_patients(path, mtime, case_type, **side) for side in sides]
            if first == second:
                st.info("Pick two different segments.")
            elif any(n < MIN_PATIENTS for _, n in counts):
                st.info(f"A segment has fewer than {MIN_PATIENTS} patients: the comparison is suppressed "
                        "(CMS cell-size rule).")
            else:
                summary, edges = data.process_compare(path, mtime, case_type, dimension, first, second,
                                                         **filters)
                for column, row, (_, n), value in zip((left, right), summary.itertuples(), counts, (first, second),
                                                      strict=True):
                    column.markdown(f"**{choices[value]}**")
                    one, two, three = column.columns(3)
                    one.metric("Cases", f"{row.cases:,}", help=DEFINITIONS["process_cases"])
                    two.metric("Patients", f"{n:,}", help=DEFINITIONS["suppressed"])
                    three.metric("Variants", f"{row.variants:,}", help=DEFINITIONS["process_variant"])
                    one.metric("Median throughput", hours_label(row.median_throughput_hours),
                               help=DEFINITIONS["process_throughput"])
                    two.metric("Top variant's share", percent(row.top_variant_share), help=DEFINITIONS["process_variant"])
                    if case_type == "claim":
                        three.metric("Initial denial rate", percent(row.first_pass_denial_rate),
                                     help=DEFINITIONS["initial_denial_rate"])
                left, right = st.columns([1, 3])
                mode = left.radio("Show", MODES, horizontal=True, key="compare_mode")
                share = right.slider("Share of the edges shown (most frequent first)", 0.05, 1.0, 0.5, 0.05,
                                     key="compare_share", format="%.2f")
                maps = st.columns(2)
                for column, side in zip(maps, sides, strict=True):
                    with column:
                        draw(data.process_map_data(path, mtime, case_type, **side), mode, share, False)
                different = edges[edges["frequent_in_both"]].head(10)
                st.markdown("**Where their times differ most** (edges frequent in both, by median hours, B - A)")
                st.dataframe(different, hide_index=True, width="stretch", column_config={
                    "frequency_a": st.column_config.NumberColumn("frequency A", format="localized"),
                    "frequency_b": st.column_config.NumberColumn("frequency B", format="localized"),
                    "median_hours_a": st.column_config.NumberColumn("median hours A", format="%.1f"),
                    "median_hours_b": st.column_config.NumberColumn("median hours B", format="%.1f"),
                    "median_hours_diff": st.column_config.NumberColumn("difference (hours)", format="%+.1f"),
                    "case_share_a": st.column_config.NumberColumn("share of cases A", format="percent"),
                    "case_share_b": st.column_config.NumberColumn("share of cases B", format="percent"),
                    "frequency_diff": None, "case_share_diff": None, "frequent_in_both": None})
                st.caption("Each segment is the filters above with the one " + dimension + "; an edge counts as "
                           "frequent in both at 5 occurrences and 1% of the cases in each.")

if exports_tab.open:
    with exports_tab:
        pseudonymised = is_pseudonymised(viewer.role)
        files = data.process_exports(pseudonymised=pseudonymised)
        if pseudonymised:
            st.caption(f"As an {viewer.role}, you get the copies with pseudonyms (pt-…, cl-…) in place of MRNs and "
                       "record ids, and no names or birth dates: docs/trust.md.")
        if not files:
            st.info("No event-log exports under LANTERN_HOME/exports yet: `lantern build` writes them.")
        for what, file in files:
            mime = "application/json" if file.suffix == ".jsonocel" else "application/xml"
            # A callable, so that the file (the OCEL one is hundreds of MB) is read when clicked, not on each rerun.
            download(viewer, "process_explorer", f"{what}: {file.name} ({file.stat().st_size / 1e6:,.1f} MB)",
                     file.read_bytes, file.name, mime, key=f"export_{file.name}")
        st.caption("XES: pm4py's export of each case type (every event under 300,000 events, else one trace per "
                   "variant with its cases). OCEL 2.0: the objects patient, referral, appointment, claim and "
                   "payment of the cases started in the last 6 months. Open them in pm4py, Disco, Celonis or ProM.")
