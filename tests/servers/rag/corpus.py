"""A small mixed-format document set, written by the tests, and questions written for it.

Each question names the file that answers it and a phrase that must lie inside
the cited span. The phrasing of the questions avoids the documents' own words
where it can, so vector search has to do real work.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx

MARKDOWN = """# Operations handbook

Welcome to the operations handbook of the Northwind platform team.

## Backups

Database backups run every night at 02:00 UTC. Each snapshot is kept for 35 days
and copied to a second region.

## On-call

The on-call engineer rotates every Monday at 10:00. Pages that are not acknowledged
within 15 minutes escalate to the team lead.

```bash
oncall swap --with alice --week 48
```

## Deployments

Production deploys are frozen from 20 December until 3 January.
"""

TEXT = """Travel policy

Employees book flights through the internal portal. Economy class is the default
for flights under six hours; business class needs a director's approval.

Hotel costs are reimbursed up to 180 euros per night in most cities.
"""

HTML = """<html><head><title>Office guide</title><script>var tracking = 1;</script></head>
<body><h1>Office guide</h1>
<h2>Parking</h2><p>Visitors park in the underground garage of building C, level -2.</p>
<h2>Wi-Fi</h2><p>The guest network password is printed on the card at the reception desk.</p>
<h2>Kitchen</h2><ul><li>The coffee machine is descaled every Friday.</li>
<li>Leftovers are thrown away on Fridays.</li></ul>
</body></html>
"""

CODE = '''"""Rate limiting for the public API."""


def token_bucket(capacity: int, refill_per_second: float) -> dict[str, float]:
    """Create a token bucket that allows bursts up to capacity."""
    return {"tokens": float(capacity), "capacity": float(capacity), "rate": refill_per_second}


def allow(bucket: dict[str, float], elapsed: float) -> bool:
    """Refill the bucket for the elapsed seconds and take one token if there is one."""
    bucket["tokens"] = min(bucket["capacity"], bucket["tokens"] + elapsed * bucket["rate"])
    if bucket["tokens"] >= 1:
        bucket["tokens"] -= 1
        return True
    return False
'''

PDF_PAGES = [
    ["Security standard", "All laptops use full disk encryption.", "Passwords are at least 14 characters long."],
    ["Incident response", "Security incidents are reported to security@northwind.example within one hour."],
]

DOCX_PARAGRAPHS = [
    ("Heading 1", "Onboarding checklist"),
    ("Normal", "New hires receive their laptop on the first day."),
    ("Heading 2", "First week"),
    ("Normal", "In the first week every new hire pairs with a buddy from another team."),
]

# (question, file that answers it, phrase inside the cited span)
QUESTIONS = [
    ("How long are database snapshots retained?", "handbook.md", "35 days"),
    ("When does the duty rotation change hands?", "handbook.md", "every Monday"),
    ("Can we ship to production during the holidays?", "handbook.md", "frozen"),
    ("Which seat class can I fly on a short trip?", "travel.txt", "Economy class"),
    ("How much can I spend on a hotel room?", "travel.txt", "180 euros"),
    ("Where should guests leave their car?", "office.html", "underground garage"),
    ("How do I get on the wireless network as a visitor?", "office.html", "guest network password"),
    ("How are API request bursts limited?", "ratelimit.py", "token bucket"),
    ("How long must a password be?", "security.pdf", "14 characters"),
    ("Who do I tell about a security breach?", "security.pdf", "security@northwind.example"),
    ("What do new employees get on day one?", "onboarding.docx", "laptop"),
    ("Who helps a new hire in their first week?", "onboarding.docx", "buddy"),
]


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A real (if minimal) PDF: one text line per entry, Helvetica, one page per list."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        text = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        stream = text.encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(paragraphs: list[tuple[str, str]]) -> bytes:
    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_corpus(folder: Path) -> Path:
    """The mixed-format folder, plus a corrupt PDF and a binary file that must fail alone."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handbook.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "travel.txt").write_text(TEXT, encoding="utf-8")
    (folder / "office.html").write_text(HTML, encoding="utf-8")
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "ratelimit.py").write_text(CODE, encoding="utf-8")
    (folder / "security.pdf").write_bytes(pdf_bytes(PDF_PAGES))
    (folder / "onboarding.docx").write_bytes(docx_bytes(DOCX_PARAGRAPHS))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return folder
