"""A grouped horizontal bar chart on a logarithmic axis, written as SVG with real text.

The benchmark must run on a bare CPython (no plotting library), and SVG is text: the labels stay
text that a browser renders, searches and scales, and the file diffs line by line.
"""

import math
from xml.sax.saxutils import escape

COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"]


def _nice_floor(v):
    return 10 ** math.floor(math.log10(v))


def _nice_ceil(v):
    return 10 ** math.ceil(math.log10(v))


def _fmt(v):
    return "%.3g" % v


def bar_chart(path, title, categories, series, values, unit="ns/op", subtitle=None):
    """categories: the groups, top to bottom; series: the bars within a group (one colour each);
    values[category][series]: a positive number, or None for no bar. The axis is logarithmic
    because the cases span four orders of magnitude (a bare call vs a 1000-element loop)."""
    bar_h, group_gap, char_w = 10, 10, 7
    label_w = max([len(c) for c in categories] + [4]) * char_w + 16
    plot_w, value_w = 640, 70
    top = 48 + (16 if subtitle else 0)
    legend_h = 22
    group_h = len(series) * bar_h
    plot_top = top + legend_h
    plot_h = len(categories) * (group_h + group_gap)
    width = label_w + plot_w + value_w
    height = plot_top + plot_h + 40

    positive = [v for row in values.values() for v in row.values() if v and v > 0] or [1.0]
    lo, hi = _nice_floor(min(positive)), _nice_ceil(max(positive))
    if hi <= lo:
        hi = lo * 10
    span = math.log10(hi) - math.log10(lo)

    def x(v):
        return label_w + plot_w * (math.log10(v) - math.log10(lo)) / span

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="11">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="15" font-weight="bold">%s</text>' % (8, escape(title))]
    if subtitle:
        out.append('<text x="8" y="38" fill="#444">%s</text>' % escape(subtitle))
    lx = label_w
    for i, s in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        out.append('<rect x="%d" y="%d" width="12" height="10" fill="%s"/>' % (lx, top + 2, colour))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, top + 11, escape(s)))
        lx += 24 + len(s) * char_w
    decade = lo
    while decade <= hi * 1.0001:
        gx = x(decade)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (gx, plot_top, gx, plot_top + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#444">%s</text>'
                   % (gx, plot_top + plot_h + 14, _fmt(decade)))
        decade *= 10
    out.append('<text x="%d" y="%d" text-anchor="middle" fill="#444">%s (log scale)</text>'
               % (label_w + plot_w // 2, plot_top + plot_h + 30, escape(unit)))
    for g, category in enumerate(categories):
        gy = plot_top + g * (group_h + group_gap)
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (label_w - 8, gy + group_h / 2 + 4, escape(category)))
        for i, s in enumerate(series):
            v = values.get(category, {}).get(s)
            if not v or v <= 0:
                continue
            y = gy + i * bar_h
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s, %s: %s %s</title></rect>'
                       % (label_w, y, max(x(v) - label_w, 1), bar_h - 1, COLOURS[i % len(COLOURS)],
                          escape(category), escape(s), _fmt(v), escape(unit)))
            out.append('<text x="%.1f" y="%d" font-size="9" fill="#333">%s</text>' % (x(v) + 3, y + 8, _fmt(v)))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
