"""Sources: each reads one real thing (a Flux repo, a cluster or snapshot, the docs prose) into its observed model."""
