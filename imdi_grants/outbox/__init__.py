"""The outbox: every e-mail the portal sends is first a row here (queued → sent, or failed after
its attempts), sent by a task after commit and found again by a periodic sweeper, so a broker or
mail-server outage delays mail but loses none, and no e-mail is sent twice."""
