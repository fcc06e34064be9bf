"""The `lodestar` console command: Django's management commands under one name.

`lodestar demo`, `lodestar serve`, `lodestar backup FILE`, `lodestar audit verify`: each is
a management command of one of Lodestar's apps, so `manage.py` can run them too.
`lodestar spc` is the exception: a pure-numpy command that never loads Django.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if args[1:2] == ["spc"]:
        # Other tools call `lodestar spc` many times over: answer before Django loads.
        from lodestar.performance.spc.cli import main as spc  # noqa: PLC0415

        sys.exit(spc(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
    # Imported here, after DJANGO_SETTINGS_MODULE is set, so settings load from it.
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    args[0] = "lodestar"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as e:
        # A configuration mistake deserves one clear line, not a traceback.
        sys.stderr.write(f"lodestar: configuration problem: {e}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
