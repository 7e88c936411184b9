"""A tiny PNG writer, a 5x7 bitmap font and a grouped horizontal bar chart, in stdlib Python.

The benchmark must run on a bare CPython, so there is no plotting library: the chart is drawn
into an RGB pixel buffer and encoded with zlib + struct.
"""

import math
import struct
import zlib

# ---------------------------------------------------------------------------------------------
# Font: 5 columns x 7 rows per glyph, '#' = ink, top row first. Rows past the seventh are
# descenders (g j p q y ;) and hang below the baseline, inside the line spacing.

_GLYPHS = {
    " ": ["     "] * 7,
    "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
    "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
    "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
    "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
    "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
    "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
    "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
    "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
    "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    "A": [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    "B": ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
    "C": [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
    "D": ["###  ", "#  # ", "#   #", "#   #", "#   #", "#  # ", "###  "],
    "E": ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
    "F": ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
    "G": [" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"],
    "H": ["#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
    "I": [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "J": ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
    "K": ["#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"],
    "L": ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
    "M": ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
    "N": ["#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #"],
    "O": [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "P": ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
    "Q": [" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"],
    "R": ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
    "S": [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
    "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
    "U": ["#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "V": ["#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "],
    "W": ["#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # "],
    "X": ["#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"],
    "Y": ["#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "],
    "Z": ["#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"],
    "a": ["     ", "     ", " ### ", "    #", " ####", "#   #", " ####"],
    "b": ["#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#### "],
    "c": ["     ", "     ", " ### ", "#    ", "#    ", "#   #", " ### "],
    "d": ["    #", "    #", " ## #", "#  ##", "#   #", "#   #", " ####"],
    "e": ["     ", "     ", " ### ", "#   #", "#####", "#    ", " ### "],
    "f": ["  ## ", " #  #", " #   ", "###  ", " #   ", " #   ", " #   "],
    "g": ["     ", "     ", " ####", "#   #", "#   #", "#   #", " ####", "    #", " ### "],
    "h": ["#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#   #"],
    "i": ["  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### "],
    "j": ["     ", "   # ", "     ", "  ## ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
    "k": ["#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "],
    "l": [" ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "m": ["     ", "     ", "## # ", "# # #", "# # #", "#   #", "#   #"],
    "n": ["     ", "     ", "# ## ", "##  #", "#   #", "#   #", "#   #"],
    "o": ["     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### "],
    "p": ["     ", "     ", "#### ", "#   #", "#   #", "#   #", "#### ", "#    ", "#    "],
    "q": ["     ", "     ", " ####", "#   #", "#   #", "#   #", " ####", "    #", "    #"],
    "r": ["     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    "],
    "s": ["     ", "     ", " ####", "#    ", " ### ", "    #", "#### "],
    "t": [" #   ", " #   ", "###  ", " #   ", " #   ", " #  #", "  ## "],
    "u": ["     ", "     ", "#   #", "#   #", "#   #", "#  ##", " ## #"],
    "v": ["     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  "],
    "w": ["     ", "     ", "#   #", "#   #", "# # #", "# # #", " # # "],
    "x": ["     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #"],
    "y": ["     ", "     ", "#   #", "#   #", "#   #", "#   #", " ####", "    #", " ### "],
    "z": ["     ", "     ", "#####", "   # ", "  #  ", " #   ", "#####"],
    "_": ["     ", "     ", "     ", "     ", "     ", "     ", "#####"],
    ".": ["     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "],
    ",": ["     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   "],
    ":": ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "],
    ";": ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "  #  ", " #   "],
    "/": ["     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "],
    "(": ["   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "],
    ")": [" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "],
    "-": ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
    "+": ["     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "],
    "=": ["     ", "     ", "#####", "     ", "#####", "     ", "     "],
    "%": ["##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"],
    "<": ["   # ", "  #  ", " #   ", "#    ", " #   ", "  #  ", "   # "],
    ">": [" #   ", "  #  ", "   # ", "    #", "   # ", "  #  ", " #   "],
    "'": ["  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     "],
    "|": ["  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
    "?": [" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "],
}

GLYPH_W, GLYPH_H = 5, 7
ADVANCE = GLYPH_W + 1  # one blank column between glyphs


def text_width(s, scale=1):
    return max(0, len(s) * ADVANCE - 1) * scale


# ---------------------------------------------------------------------------------------------
# Canvas and PNG encoding

class Canvas:
    def __init__(self, width, height, background=(255, 255, 255)):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def rect(self, x, y, w, h, color):
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(self.width, int(x + w)), min(self.height, int(y + h))
        if x1 <= x0 or y1 <= y0:
            return
        row = bytes(color) * (x1 - x0)
        for yy in range(y0, y1):
            start = (yy * self.width + x0) * 3
            self.pixels[start:start + len(row)] = row

    def text(self, x, y, s, color=(0, 0, 0), scale=1):
        """Draw `s` with its top-left corner at (x, y); unknown characters draw as '?'."""
        for ch in s:
            glyph = _GLYPHS.get(ch, _GLYPHS["?"])
            for gy, line in enumerate(glyph):
                for gx, cell in enumerate(line):
                    if cell == "#":
                        self.rect(x + gx * scale, y + gy * scale, scale, scale, color)
            x += ADVANCE * scale

    def png_bytes(self):
        raw = bytearray()
        stride = self.width * 3
        for y in range(self.height):
            raw.append(0)  # filter type 0 (none) for every row
            raw += self.pixels[y * stride:(y + 1) * stride]

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.png_bytes())


# ---------------------------------------------------------------------------------------------
# Grouped horizontal bar chart

PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194)]
GRID = (225, 225, 225)
AXIS = (90, 90, 90)
TEXT = (20, 20, 20)


_STEPS = (1, 2, 5)


def _nice_floor(v):
    """The largest 1, 2 or 5 times a power of ten that is <= v."""
    e = math.floor(math.log10(v))
    for step in reversed(_STEPS):
        if step * 10 ** e <= v:
            return step * 10 ** e
    return 10 ** e


def _nice_ceil(v):
    """The smallest 1, 2 or 5 times a power of ten that is >= v."""
    e = math.floor(math.log10(v))
    for step in _STEPS + (10,):
        if step * 10 ** e >= v:
            return step * 10 ** e
    return 10 ** (e + 1)


def _ticks(lo, hi):
    e = math.floor(math.log10(lo))
    out = []
    while 10 ** e <= hi * 1.0001:
        for step in _STEPS:
            v = step * 10 ** e
            if lo * 0.9999 <= v <= hi * 1.0001:
                out.append((v, step == 1))
        e += 1
    return out


def _format_tick(v):
    return "%d" % v if v >= 1 else "%g" % v


def _format_value(v):
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.0f" % v
    return "%.1f" % v


def bar_chart(path, title, categories, series, values, unit="ns/op", subtitle=None):
    """Draw a grouped horizontal bar chart on a logarithmic axis and write it as a PNG.

    categories: the groups, top to bottom; series: the bars within a group (one colour each);
    values[category][series]: a positive number, or None for no bar. The axis is logarithmic
    because the cases span four orders of magnitude (a bare call vs a 1000-element loop).
    """
    bar_h, bar_gap, group_gap = 9, 1, 10
    label_w = max(text_width(c) for c in categories) + 16
    value_w = 60
    plot_w = 640
    top = 40 + (12 if subtitle else 0)
    legend_h = 20
    group_h = len(series) * (bar_h + bar_gap) - bar_gap
    plot_h = len(categories) * (group_h + group_gap)
    axis_h = 24
    width = label_w + plot_w + value_w + 10
    height = top + legend_h + plot_h + axis_h + 10

    positive = [v for row in values.values() for v in row.values() if v and v > 0]
    if not positive:
        positive = [1.0]
    lo, hi = _nice_floor(min(positive)), _nice_ceil(max(positive))
    if hi <= lo:
        hi = lo * 10
    span = math.log10(hi) - math.log10(lo)

    def xpos(v):
        return label_w + plot_w * (math.log10(v) - math.log10(lo)) / span

    c = Canvas(width, height)
    c.text(10, 8, title, TEXT, scale=2)
    if subtitle:
        c.text(10, 28, subtitle, AXIS)

    # Legend
    lx = label_w
    ly = top
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        c.rect(lx, ly, 10, 8, color)
        c.text(lx + 14, ly + 1, s, TEXT)
        lx += 14 + text_width(s) + 18

    plot_top = top + legend_h
    # Gridlines and labels at 1, 2 and 5 times each power of ten (decades darker)
    for v, major in _ticks(lo, hi):
        x = int(xpos(v))
        c.rect(x, plot_top, 1, plot_h, GRID if major else (240, 240, 240))
        label = _format_tick(v)
        c.text(x - text_width(label) // 2, plot_top + plot_h + 6, label, AXIS if major else (150, 150, 150))
    c.text(label_w + plot_w - text_width(unit + " (log scale)"), plot_top + plot_h + 16,
           unit + " (log scale)", AXIS)
    c.rect(label_w, plot_top, 1, plot_h, AXIS)

    # Groups
    y = plot_top + group_gap // 2
    for cat in categories:
        c.text(label_w - 8 - text_width(cat), y + group_h // 2 - 3, cat, TEXT)
        for i, s in enumerate(series):
            v = values.get(cat, {}).get(s)
            by = y + i * (bar_h + bar_gap)
            if v and v > 0:
                x1 = max(xpos(v), label_w + 1)
                c.rect(label_w + 1, by, x1 - label_w - 1, bar_h, PALETTE[i % len(PALETTE)])
                c.text(int(x1) + 3, by + 1, _format_value(v), TEXT)
            else:
                c.text(label_w + 4, by + 1, "n/a", AXIS)
        y += group_h + group_gap
    c.save(path)
    return path
