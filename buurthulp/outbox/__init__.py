"""The transactional outbox: every message leaves after the commit that caused it.

A service writes an outbox row in its own transaction (`queue_mail`); a sender delivers
the rows after commit (`flask outbox send`, or at once in development). A rolled-back
action sends nothing, a refused delivery is retried with backoff, and two senders never
deliver the same row. Secrets (reset links, confirmation links, unsubscribe links) are
never stored: the row names the link, and the sender mints it at delivery time.
"""
