"""The model card: a markdown page written beside each stored model, from its metadata alone, and its
reliability plot. What the model was trained on, how good it is on months it never saw, against what, and
where it falls short. `headline` is the one line `make demo` prints."""

from __future__ import annotations

import io
import math

from models.denial.store import MAX_ECE, promotion_check

MEASURES = (("roc_auc", "ROC AUC"), ("pr_auc", "PR AUC"), ("brier", "Brier"), ("ece", "ECE"),
            ("lift_top_10", "lift at top 10%"), ("recall_at_90_precision", "recall at 90% precision"))
SCORERS = (("model", "this model (LightGBM, calibrated)"), ("logistic", "baseline: logistic regression"),
           ("payer_cpt_rate", "baseline: payer x CPT past denial rate"),
           ("true_probability", "best achievable: the true probabilities"))


def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _months(window: dict, first: str, last: str, count: int | None) -> str:
    months = f", {count} months" if count is not None else ""
    return f"{window[first][:7]} to {window[last][:7]}{months}"


def headline(metadata: dict) -> str:
    """One line: the version, its test ROC AUC (and the true probabilities'), ECE, Brier, and the baselines' AUC."""
    test = metadata["metrics"]["test"]
    model = test["model"]
    best = test.get("true_probability")
    best_text = f" (true probabilities {_number(best['roc_auc'])})" if best else ""
    return (f"denial model {metadata['version']}: test ROC AUC {_number(model['roc_auc'])}{best_text}, "
            f"ECE {_number(model['ece'])}, Brier {_number(model['brier'])}; baselines' ROC AUC: logistic "
            f"{_number(test['logistic']['roc_auc'])}, payer x CPT rate {_number(test['payer_cpt_rate']['roc_auc'])}")


def render_card(metadata: dict) -> str:
    window = metadata["training_window"]
    months = window.get("months", {})
    rows = metadata["rows"]
    test = metadata["metrics"]["test"]
    features = metadata["features"]
    parameters = metadata["parameters"]
    calibration = metadata["calibration"]
    check = promotion_check(test)
    lines = [
        f"# Denial-risk model {metadata['version']}",
        "",
        f"Trained {metadata['created_at']} in {metadata['training_seconds']:.1f} s (LightGBM "
        f"{metadata['lightgbm_version']}); data hash (sha256 of the training and validation rows) "
        f"`{metadata['data_hash']}`.",
        "",
        "Predicts, at submission, the probability that a claim is denied on its first adjudication "
        "(kpis.md: its first adjudication is a denial), from what is known at that moment "
        "(`marts.fct_claim_features`).",
        "",
        "## Headline",
        "",
        headline(metadata),
        "",
        "## Data window",
        "",
        "Months are the UTC month of the claim's original submission; only adjudicated claims have a label.",
        "",
        "| split | months | labelled claims | used for |",
        "| --- | --- | ---: | --- |",
        f"| train | {_months(window, 'train_first', 'train_last', months.get('train'))} | {rows['train']:,} | "
        "fitting the trees; fitting the baselines |",
        f"| validation | {_months(window, 'validation_first', 'validation_last', months.get('validation'))} | "
        f"{rows['validation']:,} | early stopping; calibration |",
        f"| test | {_months(window, 'test_first', 'test_last', months.get('test'))} | {rows['test']:,} | "
        "every figure below |",
        f"| new | later months, unbilled sessions, claims not adjudicated | {rows['new']:,} | scoring only |",
        "",
        "## Features",
        "",
        f"- categorical ({len(features['categorical'])}): {', '.join(features['categorical'])}",
        f"- boolean ({len(features['boolean'])}): {', '.join(features['boolean'])}",
        f"- numeric ({len(features['numeric'])}): {', '.join(features['numeric'])}",
        "",
        "Categories are fixed at training (the training months' values); a value unseen there counts as missing.",
        "",
        "## Model",
        "",
        f"LightGBM, binary log loss: {parameters['num_leaves']} leaves, depth {parameters['max_depth']}, learning "
        f"rate {parameters['learning_rate']}, at least {parameters['min_data_in_leaf']} claims per leaf, "
        f"{metadata['best_iteration']} trees (at most {parameters['num_boost_round']}, early stopping after "
        f"{parameters['early_stopping_rounds']} rounds on the validation months); sized so that scoring with "
        "reasons (TreeSHAP, cost ~ trees x leaves x depth^2) stays above 2,000 claims/s. Fault features are "
        "monotone: fixing a fault never raises the risk.",
        "",
        f"Calibration: {'centered isotonic' if calibration['method'] == 'isotonic' else 'Platt'} on the validation "
        "months (models.denial.calibration), chosen by the lower out-of-fold ECE "
        "(5 folds): " + ", ".join(f"{method} {_number(value, 4)}"
                                   for method, value in metadata["calibration_errors"].items()) + ".",
        "",
        "## Test months",
        "",
        "ECE: 10 equal-width bins of the predicted probability. PR AUC: average precision. Lift: the denial rate of "
        "the top 10% by score over the overall rate. All scorers on the same test claims (the true probabilities "
        "on those the ground truth lists).",
        "",
        "| scorer | claims | " + " | ".join(label for _, label in MEASURES) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in MEASURES) + " |",
    ]
    for key, label in SCORERS:
        if key in test:
            lines.append(f"| {label} | {test[key]['rows']:,} | "
                         + " | ".join(_number(test[key][measure]) for measure, _ in MEASURES) + " |")
    lines += [
        "",
        f"Promotion check (ROC AUC and Brier at least as good as the payer x CPT rate's, ECE at most {MAX_ECE}): "
        f"{'passes' if check.passed else 'FAILS'}: {check.describe()}.",
        "",
        "## Reliability",
        "",
        "![reliability plot](reliability.png)",
        "",
        "| predicted | claims | mean predicted | observed denial rate |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in metadata["reliability"]:
        lines.append(f"| {row['lower']:.1f}-{row['upper']:.1f} | {row['rows']:,} | {_number(row['mean_predicted'])} | "
                     f"{_number(row['observed_rate'])} |")
    lines += ["", "## ROC AUC per payer (test months)", "",
              "| payer | claims | denials | denial rate | ROC AUC |", "| --- | ---: | ---: | ---: | ---: |"]
    for row in metadata["per_payer"]:
        lines.append(f"| {row['payer_id']} | {row['claims']:,} | {row['denials']:,} | {_number(row['denial_rate'])} "
                     f"| {_number(row['roc_auc'])} |")
    lines += [
        "",
        "## Known limits",
        "",
        "- Trained on one practice's history: a new payer, CPT code or clinician has no category and no past "
        "denial rate until its claims are adjudicated.",
        "- Early stopping and calibration share the validation months.",
        "- A training month's claims may have been adjudicated during the validation months: the split is by "
        "submission, the labels arrive later.",
        "- Reasons are LightGBM's contributions summed per fact (documentation, authorization, ...): they explain "
        "the score, not the payer's decision.",
    ]
    if not any(name.startswith("doc_") for name in features["boolean"]):
        lines.append("- The feature mart had no documentation features (marts.note_documentation): this model does "
                     "not see a note's missing elements.")
    lines.append("")
    return "\n".join(lines)


def reliability_png(reliability: list[dict]) -> bytes:
    """The reliability plot: observed denial rate against mean predicted probability per bin (points sized by
    claims), with the diagonal of perfect calibration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    filled = [row for row in reliability if row["rows"]]
    figure, axes = plt.subplots(figsize=(5, 5), dpi=100)
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect calibration")
    if filled:
        total = sum(row["rows"] for row in filled)
        axes.plot([row["mean_predicted"] for row in filled], [row["observed_rate"] for row in filled],
                  color="tab:blue", linewidth=1)
        axes.scatter([row["mean_predicted"] for row in filled], [row["observed_rate"] for row in filled],
                     s=[20 + 400 * row["rows"] / total for row in filled], color="tab:blue", label="test months")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("predicted denial probability (bin mean)")
    axes.set_ylabel("observed first-pass denial rate")
    axes.set_title("Reliability, test months")
    axes.legend(loc="upper left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()
