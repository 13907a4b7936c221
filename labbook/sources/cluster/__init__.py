"""The cluster reader: what the live cluster (or a snapshot of it) says, as a ``ClusterObserved``.

- :mod:`.kinds` holds one class per API kind the check reads (its read plan,
  wire model, parse, snapshot projection and comparison), in one table;
- :mod:`.plan` turns the inventory into the list of reads (pure);
- :mod:`.wire` describes the fields every object shares (pure);
- :mod:`.parse` validates objects and turns them into :class:`~labbook.models.cluster.ClusterObserved` (pure);
- :mod:`.connection`, :mod:`.reads` and :mod:`.failures` talk to the API server with the
  official ``kubernetes`` client. Only they import it: a snapshot check never pays for it.
"""
