"""Loading: YAML and markdown files to models, with every problem located."""
