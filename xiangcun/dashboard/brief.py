"""村情简报 — a village's printable A4 brief as a PDF, drawn with fpdf2 and a CJK TrueType font of the machine.

The font: the path in the setting or environment variable ``XIANGCUN_CJK_FONT`` first, then Debian's usual
places (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk). Without one the view answers 503 saying which
package to install: a PDF of Chinese text in a Latin font would print as empty boxes.

Charts are drawn with fpdf2's own primitives (rectangles, lines), so no chart library or browser is needed.
Everything shown is an aggregate from the overview contract (counts of 1–4 persons or households are already
``None`` and print as "<5"); the only names are those of officials (村干部, 网格员), without phones.
"""

from __future__ import annotations

import datetime
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from xiangcun.dashboard.selectors import income_headline

FONT_SETTING = "XIANGCUN_CJK_FONT"
FONT_PACKAGE = "fonts-wqy-microhei"
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # fonts-noto-cjk
)
FAMILY = "cjk"
# fontTools logs every subsetting step at INFO; a brief would write some 40 lines to the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
SUPPRESSED = "<5"

PAGE_WIDTH = 210
MARGIN = 15
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK = (29, 39, 59)
MUTED = (102, 115, 130)
BLUE = (32, 107, 196)
RED = (214, 57, 57)
PINK = (214, 51, 132)
GREEN = (47, 179, 68)
ORANGE = (247, 103, 7)
GRID_LINE = (220, 225, 231)
HEADING_FILL = (232, 240, 250)


def font_candidates() -> list[str]:
    """Where a CJK font is looked for, in order: the setting (or environment variable), then Debian's paths."""
    configured = getattr(settings, FONT_SETTING, None) or os.environ.get(FONT_SETTING, "")
    return [path for path in (configured, *KNOWN_FONTS) if path]


def find_cjk_font() -> Path | None:
    """The first readable CJK font file of :func:`font_candidates`, or None."""
    for candidate in font_candidates():
        path = Path(candidate)
        if path.is_file() and os.access(path, os.R_OK):
            return path
    return None


@dataclass
class BriefData:
    village: object  # regions.Region
    overview: dict
    facts: object  # dashboard.views.profile.VillageFacts
    date: datetime.date


def shown(value) -> str:
    return SUPPRESSED if value is None else str(value)


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``raw``: axis steps people read at a glance."""
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


class BriefPDF(FPDF):
    def __init__(self, font: Path, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FAMILY, "", str(font))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 5)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    # --- text -------------------------------------------------------------------------------------------

    def heading(self, text: str) -> None:
        if self.get_y() > 297 - MARGIN - 40:
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, size=13)
        self.set_text_color(*BLUE)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*BLUE)
        self.line(MARGIN, self.get_y(), MARGIN + CONTENT_WIDTH, self.get_y())
        self.ln(2)
        self.set_text_color(*INK)

    def note(self, text: str) -> None:
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def rows(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        self.set_font(FAMILY, size=9)
        self.set_fill_color(255, 255, 255)  # a chart's colour would otherwise fill the cells
        with self.table(col_widths=widths, width=CONTENT_WIDTH, line_height=6, text_align="LEFT",
                        headings_style=FontFace(emphasis="", fill_color=HEADING_FILL)) as table:
            for row in (header, *rows):
                cells = table.row()
                for value in row:
                    cells.cell(value)

    # --- charts -----------------------------------------------------------------------------------------

    def chart_title(self, x: float, y: float, text: str) -> None:
        self.set_xy(x, y)
        self.set_font(FAMILY, size=10)
        self.set_text_color(*INK)
        self.cell(0, 5, text)

    def bars(self, x: float, y: float, width: float, title: str, rows: list[tuple[str, int | None]],
             colour: tuple[int, int, int] = BLUE) -> float:
        """Horizontal bars with their values; a suppressed value prints "<5" with no bar. Returns the height."""
        self.chart_title(x, y, title)
        top = y + 7
        if not rows:
            self.set_xy(x, top)
            self.set_font(FAMILY, size=8)
            self.cell(width, 5, _("nothing to show"))
            return 14
        label_width, value_width = width * 0.38, 12
        bar_room = width - label_width - value_width
        peak = max((value or 0 for _label, value in rows), default=0) or 1
        self.set_font(FAMILY, size=8)
        for index, (label, value) in enumerate(rows):
            row_y = top + index * 6
            self.set_xy(x, row_y)
            self.cell(label_width - 1, 5, label[:14], align="R")
            if value:
                self.set_fill_color(*colour)
                self.rect(x + label_width, row_y + 0.8, max(bar_room * value / peak, 0.4), 3.4, style="F")
            length = bar_room * (value or 0) / peak
            self.set_xy(x + label_width + length + 1, row_y)
            self.cell(value_width, 5, shown(value))
        return 7 + len(rows) * 6 + 3

    def pyramid(self, x: float, y: float, width: float, title: str, pyramid: dict) -> float:
        """Persons by age band: men to the left, women to the right of the middle."""
        self.chart_title(x, y, title)
        bands = pyramid.get("bands") or []
        male, female = pyramid.get("male") or [], pyramid.get("female") or []
        top, label_width = y + 12, 12
        half = (width - label_width) / 2 - 8
        peak = max([v or 0 for v in (*male, *female)] or [0]) or 1
        middle = x + half + 8
        self.set_font(FAMILY, size=7)
        self.set_text_color(*MUTED)
        self.set_xy(x, y + 6)
        self.cell(half + 8, 4, _("men"), align="R")
        self.set_xy(middle + label_width, y + 6)
        self.cell(half, 4, _("women"))
        self.set_text_color(*INK)
        for index, band in enumerate(reversed(bands)):
            position = len(bands) - 1 - index
            row_y = top + index * 4.6
            men = male[position] if position < len(male) else None
            women = female[position] if position < len(female) else None
            self.set_xy(middle, row_y)
            self.cell(label_width, 4, band, align="C")
            if men:
                length = half * men / peak
                self.set_fill_color(*BLUE)
                self.rect(middle - length, row_y + 0.5, length, 3, style="F")
            self.set_xy(middle - half * (men or 0) / peak - 9, row_y)
            self.cell(8, 4, shown(men), align="R")
            if women:
                length = half * women / peak
                self.set_fill_color(*PINK)
                self.rect(middle + label_width, row_y + 0.5, length, 3, style="F")
            self.set_xy(middle + label_width + half * (women or 0) / peak + 1, row_y)
            self.cell(8, 4, shown(women))
        return 12 + len(bands) * 4.6 + 3

    def trend(self, x: float, y: float, width: float, title: str, income: dict) -> float:
        """Per-capita income by year as a line, with the monitoring line dashed in red."""
        self.chart_title(x, y, title)
        points = [(row["year"], row["mean"]) for row in income.get("per_capita_trend") or []
                  if row.get("mean") is not None]
        line = income.get("monitoring_line")
        height, left, top = 48, x + 14, y + 8
        plot_width = width - 16
        if not points:
            self.set_xy(x, top)
            self.set_font(FAMILY, size=8)
            self.cell(width, 5, _("nothing to show"))
            return 14
        values = [mean for _year, mean in points] + ([line] if line else [])
        step = nice_step(max(values) * 1.1 / 4)
        low, high = 0.0, step * 4

        def to_y(value: float) -> float:
            return top + height - (value - low) / (high - low) * height

        def to_x(index: int) -> float:
            return left + (plot_width * (index + 0.5) / len(points))

        self.set_draw_color(*GRID_LINE)
        self.set_font(FAMILY, size=7)
        self.set_text_color(*MUTED)
        for step in range(5):
            value = low + (high - low) * step / 4
            self.line(left, to_y(value), left + plot_width, to_y(value))
            self.set_xy(x, to_y(value) - 2)
            self.cell(13, 4, f"{value:,.0f}", align="R")
        if line:
            self.set_draw_color(*RED)
            self.set_dash_pattern(dash=1.5, gap=1)
            self.line(left, to_y(line), left + plot_width, to_y(line))
            self.set_dash_pattern()
            self.set_text_color(*RED)
            self.set_xy(left + plot_width - 40, to_y(line) - 4.5)
            self.cell(40, 4, _("monitoring line %(value)s") % {"value": f"{line:,.0f}"}, align="R")
        self.set_draw_color(*BLUE)
        self.set_line_width(0.6)
        coords = [(to_x(i), to_y(mean)) for i, (_year, mean) in enumerate(points)]
        if len(coords) > 1:
            self.polyline(coords)
        self.set_fill_color(*BLUE)
        self.set_text_color(*INK)
        for (cx, cy), (year, mean) in zip(coords, points, strict=True):
            self.circle(cx, cy, 1.2, style="F")
            self.set_xy(cx - 10, top + height + 1)
            self.cell(20, 4, str(year), align="C")
            self.set_xy(cx - 10, cy - 5.5)
            self.cell(20, 4, f"{mean:,.0f}", align="C")
        self.set_line_width(0.2)
        return 8 + height + 8


def render_brief(data: BriefData, font: Path) -> bytes:
    """The A4 PDF of a village's brief (two or more pages)."""
    village, overview, facts = data.village, data.overview, data.facts
    population, income = overview["population"], overview["income"]
    incidents, grid, monitoring = overview["incidents"], overview["grid"], overview["monitoring"]
    title = _("%(village)s village brief") % {"village": village.display_name}
    pdf = BriefPDF(font, f"{title} · {data.date.isoformat()}")
    pdf.set_title(title)
    pdf.set_creator("xiangcun")
    pdf.add_page()

    pdf.set_font(FAMILY, size=20)
    pdf.set_text_color(*INK)
    pdf.cell(0, 11, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    path = " › ".join([*(a.display_name for a in facts.ancestors if len(a.code) >= 6), village.display_name])
    computed = (overview.get("computed_at") or "")[:16].replace("T", " ")
    pdf.note(_("%(path)s · division code %(code)s · printed %(date)s · figures as of %(computed)s")
             % {"path": path, "code": village.code, "date": data.date.isoformat(), "computed": computed or "—"})

    pdf.heading(_("Key figures"))
    income_label, income_value = income_headline(income)
    line = income["monitoring_line"]
    figures = [
        (_("Households"), shown(population["households"]), _("Persons"), shown(population["persons"])),
        (income_label, income_value,
         _("Monitoring line (yuan)"), "—" if line is None else f"{line:,.0f}"),
        (_("Households below the line"), shown(income["below_line"]),
         _("Households near the line"), shown(income["near_line"])),
        (_("Open monitoring cases"), shown(monitoring["open_cases"]), _("Facilities in service"),
         str(facts.facility_count)),
        (_("Incidents this month"), str(incidents["month"]), _("Open incidents"), str(incidents["open"])),
        (_("On-time rate, last 30 days"),
         "—" if incidents["on_time_rate"] is None else f"{incidents['on_time_rate']:.0%}",
         _("Grids / grid workers"), f"{grid['grids']} / {grid['workers']}"),
    ]
    pdf.set_font(FAMILY, size=9)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=(55, 35, 55, 35), width=CONTENT_WIDTH, line_height=6, first_row_as_headings=False,
                   text_align=("LEFT", "RIGHT", "LEFT", "RIGHT")) as table:
        for row in figures:
            cells = table.row()
            for value in row:
                cells.cell(value)

    pdf.heading(_("Charts"))
    half = CONTENT_WIDTH / 2 - 4
    y = pdf.get_y()
    used = max(pdf.pyramid(MARGIN, y, half, _("Persons by age band"), population["age_pyramid"]),
               pdf.trend(MARGIN + half + 8, y, half, _("Per-capita income by year (yuan)"), income))
    y += used + 2
    if y > 297 - MARGIN - 70:
        pdf.add_page()
        y = pdf.get_y()
    categories = [(row["label"], row["count"]) for row in incidents["by_category"]][:10]
    states = [(row["label"], row["count"]) for row in monitoring["by_state"]]
    used = max(pdf.bars(MARGIN, y, half, _("Incidents this month by category"), categories, ORANGE),
               pdf.bars(MARGIN + half + 8, y, half, _("Monitoring cases by state"), states, GREEN))
    pdf.set_xy(MARGIN, y + used)
    pdf.note(_("Counts of 1 to 4 persons or households are shown as <5 so that nobody can be recognised."))

    pdf.add_page()
    pdf.heading(_("Village cadres"))
    if facts.cadres:
        pdf.rows((_("Name"), _("Role")), [(c.name, c.role) for c in facts.cadres], (90, 90))
    else:
        pdf.note(_("No village cadre is registered."))
    pdf.heading(_("Grid workers"))
    if facts.grids:
        pdf.rows((_("Grid"), _("Grid workers")),
                 [(g.name, "、".join(w.name for w in g.workers) or "—") for g in facts.grids], (70, 110))
    else:
        pdf.note(_("The village has no grid yet."))
    pdf.heading(_("Facilities"))
    if facts.facilities:
        pdf.rows((_("Kind"), _("Facilities")),
                 [(f"{g.label} ({len(g.facilities)})", "、".join(f.name for f in g.facilities))
                  for g in facts.facilities], (50, 130))
    else:
        pdf.note(_("No facility is registered."))
    return bytes(pdf.output())
