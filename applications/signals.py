"""Signals other apps answer inside the transaction of an application's change.

``applications`` never imports the steering group's or RUN's code (the dependency points
the other way), so what must happen there when an application moves is a receiver.
"""

from django.dispatch import Signal

# Sent inside the withdrawing transaction, after the transition, with ``application``
# (locked, now withdrawn), ``from_status`` (where it was), ``by`` and ``message`` (the reason).
# A receiver that raises rolls the withdrawal back.
application_withdrawn = Signal()
