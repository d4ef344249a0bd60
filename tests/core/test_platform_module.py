"""``platform/`` is a source root, never a package: the standard library module must win."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import daphne_server

ROOT = Path(__file__).resolve().parents[2]


def test_platform_is_the_standard_library_module_inside_the_test_process():
    import platform

    assert platform.system()  # would raise AttributeError if our folder shadowed it
    assert Path(platform.__file__).parent == Path(subprocess.__file__).parent
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_platform_works_under_manage_py():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import platform, uuid; print(platform.system())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "HOME": "/tmp"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == __import__("platform").system()


@pytest.mark.django_db(transaction=True)
def test_platform_works_under_daphne():
    # uuid (used by every model here) calls platform.system() at import on Linux: Daphne could
    # not serve a single request if the standard module were shadowed.
    import urllib.request

    with (
        daphne_server() as base_url,
        urllib.request.urlopen(base_url + "/healthz", timeout=10) as response,
    ):
        assert response.status == 200
