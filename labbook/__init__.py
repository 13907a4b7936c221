"""labbook: a homelab's documentation as code.

The inventory (typed YAML) is what the owner claims; sources read what really is;
the drift engine compares the two; renderers turn the inventory into the site.
"""

__version__ = "0.1.0"
