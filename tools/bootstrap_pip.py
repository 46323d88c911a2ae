"""Give a virtual environment pip when the system Python has no ensurepip (Debian without python3-venv).

Usage: python3 tools/bootstrap_pip.py VENV
Downloads the current pip wheel from PyPI, checks its SHA-256 against PyPI's index, and installs
pip into VENV by running pip from the wheel itself. Uses only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

INDEX = "https://pypi.org/pypi/pip/json"


def main(venv: Path) -> None:
    with urllib.request.urlopen(INDEX, timeout=60) as response:
        release = json.load(response)
    wheel = next(file for file in release["urls"] if file["packagetype"] == "bdist_wheel")
    url = urllib.parse.urljoin(INDEX, wheel["url"])  # some PyPI mirrors answer with relative links
    with urllib.request.urlopen(url, timeout=120) as response:
        content = response.read()
    if hashlib.sha256(content).hexdigest() != wheel["digests"]["sha256"]:
        sys.exit(f"The pip wheel downloaded from {url} does not match PyPI's SHA-256.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / wheel["filename"]
        path.write_bytes(content)
        python = venv / "bin" / "python"
        subprocess.run([str(python), f"{path}/pip", "install", "--quiet", str(path)], check=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
