"""The planning layer: what decides where cards go, above the store that files them.

``roll`` brings the binder up to today (overdue cards, cadences, the month's spread), ``balance``
evens the days' load against capacity, ``handover`` gives a rep's cards to another, ``calls``
files many cards for one contact. Each calls the store (``binder``) and the customer reports.
"""
