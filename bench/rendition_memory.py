"""Peak memory of making one network's rendition of a large camera photo (a ~79-megapixel JPEG).

Run: .venv/bin/python bench/rendition_memory.py [--network facebook ...] [--megapixels 79]   (about 30 s)

Builds the photo (a baseline JPEG of the size a 79 MP camera writes, with some detail), then renders
it for each network in a new Python process and reads that process's peak resident memory
(``ru_maxrss``): Pillow allocates its bitmaps outside Python's allocator, where tracemalloc does not
see them. Each process first reads its own peak before rendering (Python and Django set up), printed
beside the total. Prints a line per network, then a last line that is a JSON object:
{"peak_mb": <the highest of the networks>, "megapixels": ..., "by_network": {network: peak_mb}}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
INSIDE = "RENDITION_MEMORY_INSIDE"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measured(source: str, network: str) -> None:
    """In the child process: set Django up, render once, print the figures as JSON."""
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415

    from publishing.renditions import render  # noqa: PLC0415

    settings.MEDIA_ROOT = os.path.dirname(source)  # the cache goes next to the source, deleted with it
    settings.MEDIA_MAX_UPLOAD_BYTES = max(settings.MEDIA_MAX_UPLOAD_BYTES, os.path.getsize(source) + 1)
    baseline = peak_mb()
    started = time.perf_counter()
    rendition = render(source, network)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(peak_mb(), 1),
                "seconds": round(seconds, 2),
                "rendition": [rendition.width, rendition.height],
            }
        )
    )


def build_photo(path: Path, megapixels: float) -> tuple[int, int]:
    """A 3:2 baseline JPEG of ``megapixels``: a gradient with noise, so it is not trivially compressible."""
    from PIL import Image, ImageChops  # noqa: PLC0415

    height = round(math.sqrt(megapixels * 1e6 * 2 / 3))
    width = round(height * 3 / 2)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.effect_noise((width // 8, height // 8), 40).resize((width, height)).convert("RGB")
    ImageChops.add(base, grain, scale=2).save(path, "JPEG", quality=90)
    return width, height


def networks() -> list[str]:
    """The networks of the renditions' data file, read without setting Django up."""
    data = json.loads((PROJECT / "publishing" / "defaults" / "renditions.json").read_text(encoding="utf-8"))
    return list(data["networks"])


def run(step: str, *arguments: str):
    """This script again, in a new process doing ``step``; what it printed last, as JSON."""
    child = subprocess.run(
        [sys.executable, __file__, *arguments],
        env={**os.environ, INSIDE: step},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", action="append", help="a network to render for (default: all of them)")
    parser.add_argument("--megapixels", type=float, default=79)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if os.environ.get(INSIDE) == "build":
        print(json.dumps(build_photo(Path(arguments.source), arguments.megapixels)))
        return
    if os.environ.get(INSIDE) == "render":
        measured(arguments.source, arguments.network[0])
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "photo.jpg"
        # Built in a process of its own: Linux keeps a process's peak across fork and exec, so a
        # parent that had held the photo's bitmap would hand its peak to the measured child.
        width, height = run("build", "--megapixels", str(arguments.megapixels), "--source", str(source))
        megapixels = round(width * height / 1e6, 1)
        print(f"source: {width} × {height} px ({megapixels} MP), {source.stat().st_size / 1e6:.1f} MB JPEG")
        by_network = {}
        for network in arguments.network or networks():
            figures = run("render", "--network", network, "--source", str(source))
            width, height = figures["rendition"]
            print(
                f"{network:<10} {width:>5} × {height:<5} px in {figures['seconds']:5.2f} s: peak resident memory "
                f"{figures['peak_mb']:6.1f} MB ({figures['baseline_mb']} MB before rendering)"
            )
            by_network[network] = figures["peak_mb"]
    print(json.dumps({"peak_mb": max(by_network.values()), "megapixels": megapixels, "by_network": by_network}))


if __name__ == "__main__":
    main()
