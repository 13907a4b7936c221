"""Run a command against a fixture cluster served by the loopback API server.

    python -m tests.sources.cluster.serve homelab -- labbook snapshot -o examples/cluster/snapshot.yaml

serves ``tests/fixtures/cluster/<name>/`` over HTTPS on 127.0.0.1, writes a
kubeconfig for it (context ``admin@homelab``) to a temporary folder, runs the
command with ``KUBECONFIG`` pointing at it, and exits with the command's code.
Nothing else listens, and the server answers GET only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.sources.cluster.apiserver import ApiServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixture", help="folder under tests/fixtures/cluster, e.g. homelab")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    with tempfile.TemporaryDirectory() as tmp, ApiServer.fixture(args.fixture) as server:
        kubeconfig = server.kubeconfig(Path(tmp) / "kubeconfig.yaml")
        return subprocess.run(command, env={**os.environ, "KUBECONFIG": str(kubeconfig)}, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
