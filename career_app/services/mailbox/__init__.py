"""Application status from the seeker's mailbox: connect an IMAP account (password encrypted at
rest), read new messages from application senders, classify them, propose (or apply) status changes."""

from career_app.services.mailbox.service import (accept, connect, dismiss, list_mailboxes, proposals, remove,
                                                 set_auto_apply, start_sync, sync, sync_due)

__all__ = ["accept", "connect", "dismiss", "list_mailboxes", "proposals", "remove", "set_auto_apply", "start_sync",
           "sync", "sync_due"]
