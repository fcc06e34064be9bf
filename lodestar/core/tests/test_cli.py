"""The `lodestar` command line: `serve` in both modes, and errors as one clear line."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import ClassVar
from unittest import mock

from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase, override_settings

from lodestar.core.testing import make_user
from lodestar.core.tests.commandline import LODESTAR, lodestar_env, run_lodestar, sqlite_url

SERVE = "lodestar.core.management.commands.serve"


class ServeCommandTests(TestCase):
    def serve(self, *args: str) -> str:
        out = io.StringIO()
        call_command("serve", *args, stdout=out)
        return out.getvalue()

    @override_settings(DEBUG=True)
    def test_with_debug_on_it_runs_the_reloading_development_server(self) -> None:
        with mock.patch(f"{SERVE}.call_command") as runserver:
            output = self.serve()
        runserver.assert_called_once_with("runserver", "127.0.0.1:8000", use_reloader=True)
        self.assertIn("http://127.0.0.1:8000/", output)

    @override_settings(DEBUG=True)
    def test_a_developer_is_told_how_to_sign_in(self) -> None:
        with mock.patch(f"{SERVE}.call_command"):
            self.assertIn("`lodestar demo` loads demo people", self.serve())
            make_user("siteadmin")
            self.assertIn("siteadmin, admin, chair", self.serve("0.0.0.0:8123"))
            self.assertIn("demo-only password 'demo-only-password'", self.serve())

    @override_settings(DEBUG=True)
    def test_a_developer_listening_everywhere_is_given_a_local_address(self) -> None:
        with mock.patch(f"{SERVE}.call_command") as runserver:
            output = self.serve("0.0.0.0:8123")
        runserver.assert_called_once_with("runserver", "0.0.0.0:8123", use_reloader=True)
        self.assertIn("http://127.0.0.1:8123/", output)

    @override_settings(DEBUG=False)
    def test_with_debug_off_gunicorn_takes_over_with_two_workers(self) -> None:
        with mock.patch.dict(os.environ), mock.patch(f"{SERVE}.os.execv") as execv:
            os.environ.pop("WEB_CONCURRENCY", None)
            self.serve("8080")
        program, argv = execv.call_args.args
        self.assertEqual(argv[0], program)
        self.assertEqual(argv[1:3], ["-m", "gunicorn"])
        self.assertIn("--workers 2 --bind 127.0.0.1:8080", " ".join(argv))
        self.assertEqual(argv[-1], "lodestar.wsgi")

    @override_settings(DEBUG=False)
    def test_web_concurrency_sets_the_number_of_workers(self) -> None:
        with (
            mock.patch.dict(os.environ, {"WEB_CONCURRENCY": "5"}),
            mock.patch(f"{SERVE}.os.execv") as execv,
        ):
            self.serve("[::1]:9000")
        self.assertIn("--workers 5 --bind [::1]:9000", " ".join(execv.call_args.args[1]))

    def test_a_bad_address_is_refused_by_name(self) -> None:
        for bad in ("localhost:", "http://example.org", "127.0.0.1:70000", "0"):
            with self.subTest(bad), self.assertRaisesMessage(CommandError, repr(bad)):
                self.serve(bad)

    def test_the_help_explains_both_servers(self) -> None:
        command = load_command_class("lodestar.core", "serve")
        text = " ".join(command.create_parser("lodestar", "serve").format_help().split())
        self.assertIn("With DEBUG=true this is Django's development server", text)
        self.assertIn("gunicorn running lodestar.wsgi with 2 worker processes", text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RealServerTests(SimpleTestCase):
    """`lodestar serve` as a process answering HTTP on this machine's loopback address."""

    workdir: ClassVar[Path]
    database: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.workdir = Path(tempfile.mkdtemp(prefix="lodestar-serve-tests-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.database = sqlite_url(cls.workdir / "lodestar.sqlite3")
        run_lodestar(cls.database, cls.workdir, "migrate", "--no-input")
        run_lodestar(cls.database, cls.workdir, "demo")

    def start(self, debug: str) -> tuple[int, Path]:
        """Start `lodestar serve` on a free port; return the port and its output file."""
        port = free_port()
        log = self.workdir / f"serve-{port}.log"
        env = lodestar_env(self.database, self.workdir, DEBUG=debug)
        with log.open("wb") as out:
            # A session of its own, so stopping it stops the reloader's child too.
            server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                [str(LODESTAR), "serve", f"127.0.0.1:{port}"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.addCleanup(self.stop, server)
        return port, log

    def stop(self, server: subprocess.Popen[bytes]) -> None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    def fetch_home_page(self, port: int) -> tuple[int, str]:
        """Status and Server header of the home page, once the server answers (60s at most).

        Generous: a worker's first request imports all of Django, and on a CI machine
        busy with the rest of the suite that has taken longer than 5 seconds."""
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as page:
                    return page.status, page.headers.get("Server", "")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def test_without_debug_gunicorn_serves_the_site(self) -> None:
        port, log = self.start(debug="false")
        status, server = self.fetch_home_page(port)
        self.assertEqual((status, server), (200, "gunicorn"))
        self.assertIn("Lodestar (gunicorn, 2 workers)", log.read_text())

    def test_with_debug_the_development_server_serves_the_site_and_says_how_to_sign_in(
        self,
    ) -> None:
        port, log = self.start(debug="true")
        status, server = self.fetch_home_page(port)
        self.assertEqual(status, 200)
        self.assertIn("WSGIServer", server)
        output = log.read_text()
        self.assertIn(f"Lodestar (development server): http://127.0.0.1:{port}/", output)
        self.assertIn("with the demo-only password 'demo-only-password'", output)


class CommandLineErrorTests(SimpleTestCase):
    """Every command reports a problem as one line on stderr, never a traceback."""

    def test_each_command_reports_a_problem_in_one_line_and_exits_non_zero(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            workdir = Path(folder)
            unmigrated = sqlite_url(workdir / "empty.sqlite3")
            cases = [
                (["backup", str(workdir / "missing" / "x.json")], "cannot be written"),
                (["restore", str(workdir / "missing.json")], "No such file or directory"),
                (["audit", "verify"], "The audit trail cannot be read"),
                (["serve", "nowhere"], "ADDR:PORT must look like"),
            ]
            for args, message in cases:
                with self.subTest(" ".join(args)):
                    result = run_lodestar(unmigrated, workdir, *args, check=False)
                    self.assertNotEqual(result.returncode, 0)
                    self.assertIn(message, result.stderr)
                    self.assertNotIn("Traceback", result.stderr)
                    self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
