"""How well the valence/energy mood rule agrees with data_moods.csv's labels, on rows it was not fitted on."""

from dataclasses import dataclass

import pandas as pd

from music.affect import mood_derive, mood_parse


@dataclass(frozen=True)
class RuleReport:
    rows: int
    agreement: float
    baseline: float  # always answering the most common label
    fitted: dict[str, tuple[float, float]]
    confusion: dict[str, dict[str, int]]


def mood_rule_agreement(*, frame: pd.DataFrame) -> RuleReport:
    """Score music.affect.mood_derive on the odd rows (held out); refit the centres on the even rows for comparison."""
    frame = frame.assign(label=frame["mood"].map(mood_parse))
    train, test = frame.iloc[::2], frame.iloc[1::2]
    fitted = {mood: (round(group["valence"].mean(), 2), round(group["energy"].mean(), 2))
              for mood, group in train.groupby("label")}
    derived = [mood_derive(valence=v, energy=e) for v, e in zip(test["valence"], test["energy"], strict=True)]
    agree = sum(d == label for d, label in zip(derived, test["label"], strict=True))
    confusion = pd.crosstab(test["label"], pd.Series(derived, index=test.index, name="derived"))
    return RuleReport(rows=len(test), agreement=agree / len(test),
                      baseline=test["label"].value_counts().iloc[0] / len(test), fitted=fitted,
                      confusion={label: {mood: int(count) for mood, count in row.items()}
                                 for label, row in confusion.iterrows()})
