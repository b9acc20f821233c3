"""Build hook: the wheel carries the data package, and its version.

The repository keeps one copy of the data (datapackage.json and the files its resources name);
building a wheel copies them into sco_data/_package/, where descriptor.default_descriptor() looks
when sco_data is installed. Editable installs read the repository's copy directly.
"""

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def package_files() -> list[str]:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    files = ["datapackage.json"]
    for res in descriptor.get("resources", []):
        for key in ("path", "schema"):
            value = res.get(key)
            if isinstance(value, str):
                files.append(value)
    return files


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sco_data" / "_package"
        if target.exists():
            shutil.rmtree(target)
        for rel in package_files():
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, dest)


def package_version() -> str:
    """The toolkit is versioned with its data: the descriptor's version is the wheel's."""
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


setup(version=package_version(), cmdclass={"build_py": build_py_with_data})
