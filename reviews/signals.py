"""Signals other apps answer inside the transaction of a steering-group act.

``reviews`` never imports RUN's code (the dependency points the other way), so what must
happen there when the steering group acts is a receiver.
"""

from django.dispatch import Signal

# Sent inside the closing transaction when an item is closed as recommended, with ``item``
# (closed, its application's recommendation now) and ``amounts`` (year → kronor recommended).
item_recommended = Signal()
