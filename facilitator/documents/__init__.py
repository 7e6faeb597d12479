"""Printable exercise documents: the Situation Manual, the evaluator packet, the controller packet and the AAR/IP.

Each document is built as blocks (:mod:`facilitator.documents.render`), written as Markdown and as
self-contained print-ready HTML (A4 and Letter both fit: 18 mm margins, tables that wrap), and as PDF
through a headless Chromium (:mod:`facilitator.documents.pdf`).
"""

from facilitator.documents.packets import controller_packet, evaluator_packet, situation_manual, write_packet
from facilitator.documents.pdf import PdfError, find_chromium, html_to_pdf
from facilitator.documents.render import PrintDoc, render_html, render_markdown, write_print_document

__all__ = ["PrintDoc", "render_html", "render_markdown", "write_print_document", "PdfError", "find_chromium",
           "html_to_pdf", "situation_manual", "evaluator_packet", "controller_packet", "write_packet"]
