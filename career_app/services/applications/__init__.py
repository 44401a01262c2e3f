"""The application tracker: a seeker's own tracked jobs (private rows of the jobs table, or saved
listings by reference), applications with the one rule of status transitions, their timelines, and
bulk status changes; the board, import and export.

Everything here belongs to one seeker: every read and write filters on the caller, and an id that
is someone else's answers exactly like an unknown one (404).

One module per part, each importing only those above it in this list:
  notify   after a committed change: the live event, offers and tomorrow's interviews announced once
  core     one application: reads with its timeline, create (one per job), edit, status moves (single
           and bulk), delete and restore
  board    the list and the board: search, sort, counts per status
  tracked  tracked jobs and saved listings; "Apply" on one (one application per tracked job)
  exports  CSV, XLSX and the PDF report
  imports  CSV, JSON and XLSX files into applications
Callers use this package (`from career_app.services import applications`)."""

from career_app.services.applications.board import MAX_PAGE_SIZE, SORTS, list_for
from career_app.services.applications.core import (allowed, bulk_status, change_status, create, delete, get, on_job,
                                                   restore, to_out, update)
from career_app.services.applications.exports import (EXPORT_COLUMNS, MAX_EXPORT_ROWS, PDF_COLUMNS, export_rows,
                                                      neutralise, report_rows, to_csv, to_pdf, to_xlsx)
from career_app.services.applications.imports import (CSV_DELIMITERS, HEADER_NAMES, IMPORT_FIELDS, MAX_IMPORT_BYTES,
                                                      MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, MAX_ROW_ERRORS,
                                                      MAX_XLSX_SHEETS, MAX_XLSX_UNPACKED, PREVIEW_ROWS, STATUS_WORDS,
                                                      import_file)
from career_app.services.applications.notify import (MAX_EVENT_IDS, NOTIFIED_DAYS, REMINDED_STATUSES, changed,
                                                     remind_interviews)
# _saved_entry is not public, but state/tracker.py looks a saved listing up with it.
from career_app.services.applications.tracked import (_saved_entry, apply, create_tracked, save_listing,
                                                      tracked_out, update_tracked)

__all__ = [
    # notify
    "MAX_EVENT_IDS", "NOTIFIED_DAYS", "REMINDED_STATUSES", "changed", "remind_interviews",
    # core
    "allowed", "to_out", "get", "on_job", "create", "update", "change_status", "bulk_status", "delete", "restore",
    # board
    "MAX_PAGE_SIZE", "SORTS", "list_for",
    # tracked
    "create_tracked", "update_tracked", "save_listing", "apply", "tracked_out",
    # exports
    "MAX_EXPORT_ROWS", "EXPORT_COLUMNS", "PDF_COLUMNS", "neutralise", "export_rows", "report_rows", "to_pdf", "to_csv",
    "to_xlsx",
    # imports
    "MAX_IMPORT_BYTES", "MAX_IMPORT_ROWS", "MAX_XLSX_UNPACKED", "MAX_XLSX_SHEETS", "MAX_IMPORT_COLUMNS",
    "MAX_ROW_ERRORS", "PREVIEW_ROWS", "IMPORT_FIELDS", "HEADER_NAMES", "CSV_DELIMITERS", "STATUS_WORDS", "import_file",
]
