"""One module per command, each with ``run(args, found: Collector) -> int``; imported lazily by the CLI."""
