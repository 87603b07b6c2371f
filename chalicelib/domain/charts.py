"""Bar charts as geometry, for pages to draw as SVG (no chart library, no script).

A chart is a few rectangles in a fixed coordinate box (the SVG's viewBox); the page scales
it to its width. Numbers are never only in the picture: every chart's page shows a table
of the same values beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
AXIS = 24  # room under the bars for the first label of each group


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which of the chart's series (its colour)
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    top: int  # the value at the top of the box
    baseline: float


def grouped_bars(groups: Sequence[tuple[str, Sequence[int]]], label_every: int = 1) -> Chart:
    """One group of bars per label (a day, a bucket), one bar per series in each; every
    ``label_every``-th group is labelled so labels never overlap."""
    top = max([max(values, default=0) for _, values in groups] + [1])
    baseline = HEIGHT - AXIS
    slot = WIDTH / max(len(groups), 1)
    series = max((len(values) for _, values in groups), default=1) or 1
    bar_width = slot * 0.8 / series
    bars: list[Bar] = []
    labels: list[Label] = []
    for index, (label, values) in enumerate(groups):
        left = index * slot + slot * 0.1
        for number, value in enumerate(values):
            height = baseline * value / top
            bars.append(
                Bar(
                    round(left + number * bar_width, 1),
                    round(baseline - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    number,
                    value,
                )
            )
        if index % max(label_every, 1) == 0:
            labels.append(Label(round(index * slot + slot / 2, 1), label))
    return Chart(WIDTH, HEIGHT, bars, labels, top, baseline)
