"""A bill as a PDF (fpdf2): text, not pictures of text, so it can be searched, read aloud and
checked (the tests extract it with pypdf). Rendered on request from the stored bill."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from bx.billing.models import Bill
from bx.projections.models import Account

# A Unicode font when the system has one (names are not all Latin-1); else the core Helvetica,
# with characters it cannot draw replaced.
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _money(value: Decimal, currency: str) -> str:
    return f"{currency} {value:,.2f}"


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.unicode = UNICODE_FONT.exists()
        if self.unicode:
            self.add_font("Body", "", str(UNICODE_FONT))
            self.add_font("Body", "B", str(UNICODE_FONT.with_name("DejaVuSans-Bold.ttf"))
                          if UNICODE_FONT.with_name("DejaVuSans-Bold.ttf").exists() else str(UNICODE_FONT))

    def font(self, size: int, bold: bool = False) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", "B" if bold else "", size)

    def text_of(self, value: object) -> str:
        text = str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def row(self, cells: list[tuple[str, float, str]], *, bold: bool = False) -> None:
        self.font(9, bold)
        for text, width, align in cells:
            self.cell(width, 6, self.text_of(text), border="B", align=align)
        self.ln()


def render(bill: Bill, *, tenant_name: str = "", unit: str = "") -> bytes:
    account: Account = bill.account
    doc = _Doc()
    doc.set_title(f"Bill {bill.number or bill.pk}")
    doc.add_page()
    doc.font(16, bold=True)
    doc.cell(0, 10, doc.text_of(tenant_name or "Smart360"), new_x="LMARGIN", new_y="NEXT")
    doc.font(12, bold=True)
    status = "" if bill.status == Bill.Status.ISSUED else f" ({bill.status})"
    doc.cell(0, 8, doc.text_of(f"Bill {bill.number or 'draft'}{status}"), new_x="LMARGIN", new_y="NEXT")
    doc.font(10)
    for label, value in [
        ("Account", bill.account_number), ("Name", account.name), ("Premise", account.premise),
        ("Meter", account.meter_serial),
        ("Period", f"{bill.period_start:%Y-%m-%d} to {bill.period_end:%Y-%m-%d}"),
        ("Consumption", f"{bill.consumption.normalize():f} {unit}".strip()),
        ("Issued", f"{bill.issued_on:%Y-%m-%d}" if bill.issued_on else "-"),
        ("Due date", f"{bill.due_date:%Y-%m-%d}" if bill.due_date else "-"),
    ]:
        doc.cell(35, 6, doc.text_of(f"{label}:"))
        doc.cell(0, 6, doc.text_of(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    widths = (90.0, 30.0, 30.0, 30.0)
    doc.row([("Description", widths[0], "L"), ("Quantity", widths[1], "R"),
             ("Rate", widths[2], "R"), ("Amount", widths[3], "R")], bold=True)
    for line in bill.lines.all():
        doc.row([(line.description, widths[0], "L"), (f"{line.quantity.normalize():f}", widths[1], "R"),
                 (f"{line.rate.normalize():f}", widths[2], "R"), (f"{line.amount:,.2f}", widths[3], "R")])
    doc.ln(2)
    for label, value, bold in [("Subtotal", bill.subtotal, False), ("Tax", bill.tax, False),
                               ("Total", bill.total, True)]:
        doc.font(10, bold)
        doc.cell(150, 7, label, align="R")
        doc.cell(30, 7, _money(value, bill.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
