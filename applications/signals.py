"""Signals other apps answer inside the transaction of an application's change.

``applications`` never imports the steering group's or RUN's code (the dependency points
the other way), so what must happen there when an application moves is a receiver.
"""

from django.dispatch import Signal

# Sent inside the withdrawing transaction, after the transition, with ``application``
# (locked, now withdrawn), ``from_status`` (where it was), ``by`` and ``message`` (the reason).
# A receiver that raises rolls the withdrawal back.
application_withdrawn = Signal()

# Sent inside the transaction of a change to what the budget ledger counts as requested (the
# budget of a registered, not withdrawn application), with ``application`` and ``change``
# (year → kronor added, negative when taken away): when such an application's budget is saved,
# when it is first submitted and when it is withdrawn.
requested_changed = Signal()
