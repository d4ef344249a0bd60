#!/usr/bin/env python
"""Django's command-line utility. ``platform/`` is a source root beside the repository root."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main() -> None:
    for source_root in (ROOT / "platform", ROOT):
        if str(source_root) not in sys.path:
            sys.path.insert(0, str(source_root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Django defers a settings error and later reports "Models aren't loaded yet"; say the real
    # reason (a missing or malformed environment variable) instead.
    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}\nSee .env.example for every variable.")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
