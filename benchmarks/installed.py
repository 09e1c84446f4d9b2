"""An interpreter for the timed child processes that starts as it does after a plain ``pip install``.

The development venv installs profile-render as *editable* (``pip install
-e``). setuptools makes that work with a ``.pth`` file that imports a finder
module at every interpreter start, and that finder imports pathlib,
importlib.util and urllib.parse: about 12 ms per process on this machine,
which a user who runs ``pip install .`` (the README's first command) never
pays. Timing whole processes with that interpreter would charge profile-render
for the way this checkout is installed.

:func:`installed_python` makes a venv under ``benchmarks/.data/`` with no
packages of its own and one ``.pth`` file listing the calling interpreter's
site-packages folders as plain paths. ``site`` adds plain paths without
reading the ``.pth`` files inside them, so the editable finder is never
imported, while PyYAML, deepmerge and the other dependencies import from where
they are. The package timed comes from ``PYTHONPATH`` (the tree under test),
as in every row before.
"""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def installed_python(out: Path = HERE / ".data") -> str:
    """The path of a python that sees this interpreter's dependencies as a plain install does (made once)."""
    venv = out / f"venv-plain-{sys.version_info[0]}.{sys.version_info[1]}"
    python = venv / "bin" / "python"
    folders = [p for p in site.getsitepackages() if Path(p).is_dir()]
    pth_text = "".join(f"{folder}\n" for folder in folders)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    pth = Path(purelib) / "dependencies-of-the-timed-tree.pth"
    if not pth.exists() or pth.read_text(encoding="utf-8") != pth_text:
        pth.write_text(pth_text, encoding="utf-8")
    return str(python)


if __name__ == "__main__":
    print(installed_python())
