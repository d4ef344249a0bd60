"""The patient's data as a PDF for people: the same groups as the "My data" page, in words.

Made with fpdf2 (pure Python). Its built-in fonts cover Western European text (Danish and
Norwegian letters included); a character outside them is printed as "?" rather than failing.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from patient_app.privacy.summary import Group

_PLAIN = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "·": "-"}
)


def _text(value: str) -> str:
    return str(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def data_pdf(*, name: str, made_at: datetime, groups: list[Group]) -> bytes:
    """A4, a title, the person's name and the date made, then one heading per group."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    title = _("My data")
    pdf.set_title(_text(title))
    pdf.set_author(_text(name))
    pdf.set_creator("Guided Care")
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: int = 11, style: str = "", gap: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, gap, _text(text), new_x="LMARGIN", new_y="NEXT")

    line(title, size=20, style="B", gap=10)
    line(name, size=13)
    line(_("Made on %(day)s") % {"day": date_format(made_at, "DATETIME_FORMAT")}, size=10)
    line(
        _(
            "Everything the platform stores about you, in words. The full record, for other "
            "programs, is the JSON download on the same page."
        ),
        size=10,
    )
    for group in groups:
        pdf.ln(4)
        line(group.title, size=14, style="B", gap=8)
        for text in group.lines:
            line(text)
        if group.items:
            if group.items_title:
                line(group.items_title, style="B")
            for text in group.items:
                line(f"- {text}")
    return bytes(pdf.output())
