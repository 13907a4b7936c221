"""Sources: each reads one real thing (a Flux repo, a cluster or snapshot, the prose in docs/) into ``Observed``."""
