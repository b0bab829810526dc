"""Names vulture (tests/unit/test_dead_code.py) would call unused but that are used — by a
framework that calls them by name, by the tests, or as fields of records. Each group says why.
Add a name here only with its reason; anything else vulture reports is dead code to remove."""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Overrides called by the standard library or a framework (html.parser, http.server, asyncio
# protocols, aiosmtpd handlers, Jinja's sandbox, multiprocessing's spawn, sqlite3).
_.handle_data
_.handle_comment
_.handle_startendtag
_.do_GET
_.log_message
_.data_received
_.connection_lost
_.eof_received
_.pause_writing
_.resume_writing
_.handle_EHLO
_.handle_DATA
_.host_name
_.factory
_.jinja_pass_arg
intercepted_binops
__self
_.__spec__
_.row_factory
_._smtp  # a reference that keeps the transport's SMTP object alive
_._get_source  # openpyxl reads a sheet through it
# Qt virtual methods and the classes Qt or a table builds.
_.dragEnterEvent
_.dropEvent
_.isComplete
_.initializePage
_.paintEvent
_.insertFromMimeData
_.textElideMode  # set on the style option a delegate's initStyleOption fills; Qt's painting reads it

# Fields of records read from the database or written as JSON, kept whole for the reader.
data_offset
state_reason
started_at
was_contact
oldest_unprocessed_at
last_processed_at
properties  # AuthResults: the ptype.property values of an Authentication-Results header
_.accounted  # ImportReport: every row counted once

# Widgets and dialogs kept as attributes, so they live as long as their page and the tests can
# reach them.
_.sign_in_dialog
_.confirmation_dialog
_.last_result
_._history_columns
_._log_columns
_._review_columns
_.add_menu
_.link_button
_.bullets_button
_.numbers_button

# The leave-one-family-out scoring of the bounce rules (tests/support/bounce_families.py, used by bench/inbox.py and the tests).
disabled
tracing
firing

# Small API the tests read the program through.
_.preflight_codes  # composer: the pre-send check's findings
_.mapping_combo  # import wizard: the column choice of one column
_.current_page_key  # main window: the page shown
_.has_order  # contacts model: the big-list order has been read
_.ids_for_rows  # contacts model: the contacts of rows as shown
_.select_rows  # contacts page: select rows as a user would
_.counting  # campaigns page: figures are being read
_.message_for  # CampaignRenderer: one rendered message, parsed
_.mailable  # Contact: may be mailed today
is_suppressed  # suppression: one address's check
