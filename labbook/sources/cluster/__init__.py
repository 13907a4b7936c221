"""The cluster reader: what the live cluster (or a snapshot of it) says, as a ``ClusterObserved``.

- :mod:`.plan` turns the inventory into the list of reads (pure);
- :mod:`.wire` describes the few fields of each API object the checker uses (pure);
- :mod:`.parse` turns API objects into :class:`~labbook.models.observed.ClusterObserved` (pure);
- :mod:`.connection` and :mod:`.reads` talk to the API server with the official
  ``kubernetes`` client. Only they import it: a snapshot check never pays for it.
"""
