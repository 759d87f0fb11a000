"""`make run`: an embedded AWS (moto) with the tables, bucket and bus, and the API on 127.0.0.1:$PORT.

Environment: PORT (default 8000); TPBIS_LOCAL_AWS_PORT (the embedded AWS, default 4566; 0 picks a
free port; `make run` sets it from AWS_PORT); TPBIS_BOOTSTRAP_ADMIN_KEY (the platform-admin secret;
one is generated and printed when it is not set); TPBIS_LOCAL_DATA_DIR (a folder that keeps the data
across restarts, devstack/persistence.py; `make run` uses .local-data; unset, the data lives in
memory only); TPBIS_LOCAL_FRESH=1 (start empty: the last snapshot is set aside).
Ctrl-C or SIGTERM stops everything it started, after a last snapshot.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

# Rollup workers polling the local queue (in AWS: up to TPBIS_ROLLUP_CONCURRENCY functions).
LOCAL_WORKERS = 4
AWS_PORT_HINT = "AWS_PORT=<port> (make run AWS_PORT=4671; python -m devstack: TPBIS_LOCAL_AWS_PORT=4671)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def configure_environment(moto_url: str) -> None:
    """Point every AWS client of this process at the embedded AWS, with throwaway credentials."""
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update(
        AWS_ENDPOINT_URL=moto_url,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    )
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
    os.environ.setdefault("TPBIS_STAGE", "local")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    # as in AWS: a change plans a rollup of its own once settled (the schedule stays the safety net)
    os.environ.setdefault("TPBIS_ROLLUP_ON_CHANGE", "true")


class LocalStack:
    """The embedded AWS and the API server, started and stopped together."""

    def __init__(
        self,
        *,
        port: int,
        aws_port: int = 0,
        host: str = "127.0.0.1",
        bootstrap_secret: str | None = None,
        data_dir: Path | None = None,
        fresh: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.aws_port = aws_port
        self.bootstrap_secret = bootstrap_secret
        self.data_dir, self.fresh = data_dir, fresh
        self._moto = None
        self._server = None
        self._snapshots: Any = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.admin_secret = ""
        self.restored: tuple[int, int] | None = None  # (items, objects) from the data folder

    def start(self) -> None:
        """Start moto, create the resources, install the admin key, serve the API (in threads)."""
        from moto.server import ThreadedMotoServer

        from devstack.atomic import install

        install()  # conditional writes and transactions atomic under concurrent requests, as in DynamoDB
        # The embedded AWS would log every call it serves; the API's own request log is what matters.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        self.aws_port = self.aws_port or _free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.aws_port, verbose=False)
        self._moto.start()
        configure_environment(self.aws_url)

        from chalicelib.config import get_settings

        get_settings.cache_clear()
        from devstack.resources import create_all

        create_all(get_settings())
        if self.data_dir is not None:
            from devstack.persistence import Snapshots

            self._snapshots = Snapshots(self.data_dir, get_settings())
            if self.fresh:
                self._snapshots.set_aside()
            else:
                self.restored = self._snapshots.restore()

        from chalicelib.domain.keys import new_key_id, new_secret
        from chalicelib.services.keys import install_bootstrap_key

        self.admin_secret = self.bootstrap_secret or new_secret(new_key_id())
        install_bootstrap_key(self.admin_secret)

        from chalice.config import Config
        from chalice.local import LocalDevServer

        from app import app
        from devstack.gateway import RequestHandler, Server, make_thread_safe

        self._server = LocalDevServer(
            make_thread_safe(app), Config.create(), self.host, self.port, handler_cls=RequestHandler, server_cls=Server
        )
        serve = threading.Thread(target=self._server.server.serve_forever, name="api", daemon=True)
        serve.start()
        self._threads.append(serve)

        from devstack.scheduler import start_scheduler

        self._threads.append(start_scheduler(app))
        from chalicelib.jobs.rollup_worker import WORKER_FUNCTION
        from devstack.queue_workers import start_workers

        # The rollup's queue, consumed as Lambda's event source would (a few functions at once).
        self._threads += start_workers(app.handler_map[WORKER_FUNCTION], count=LOCAL_WORKERS, stop=self._stopping)
        if self._snapshots is not None:
            self._snapshots.start()

    @property
    def aws_url(self) -> str:
        """The embedded AWS endpoint (for AWS_ENDPOINT_URL)."""
        return f"http://127.0.0.1:{self.aws_port}"

    def stop(self) -> None:
        """Stop the API server and the rollup's workers, take the last snapshot, stop moto."""
        self._stopping.set()
        if self._server is not None:
            self._server.server.shutdown()
            self._server.server.server_close()
        if self._snapshots is not None:
            self._snapshots.stop()
        if self._moto is not None:
            self._moto.stop()


def main() -> None:
    """Run until Ctrl-C or SIGTERM."""
    port = int(os.environ.get("PORT", "8000"))
    given = os.environ.get("TPBIS_BOOTSTRAP_ADMIN_KEY") or None
    aws_port = int(os.environ.get("TPBIS_LOCAL_AWS_PORT", "4566"))
    # Under make, PORT and AWS_PORT are what move the ports (make passes AWS_PORT on as TPBIS_LOCAL_AWS_PORT).
    for wanted, how in ((port, "PORT=<port> (make run or python -m devstack)"), (aws_port, AWS_PORT_HINT)):
        if wanted and _port_in_use(wanted):
            sys.exit(f"port {wanted} is in use (is another `make run` running?); set {how}")
    data_dir = os.environ.get("TPBIS_LOCAL_DATA_DIR") or None
    fresh = os.environ.get("TPBIS_LOCAL_FRESH", "").lower() in ("1", "true", "yes")
    stack = LocalStack(
        port=port,
        aws_port=aws_port,
        bootstrap_secret=given,
        data_dir=Path(data_dir) if data_dir else None,
        fresh=fresh,
    )
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: every thread's stack
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    stack.start()
    if stack.data_dir is None:
        kept = "data lives until you stop"
    elif stack.restored:
        kept = f"data in {stack.data_dir}: {stack.restored[0]} items and {stack.restored[1]} files restored"
    else:
        kept = f"data kept in {stack.data_dir}" + (" (started empty: FRESH=1)" if stack.fresh else "")
    print(f"TPBIS API on http://{stack.host}:{stack.port}  (embedded AWS: moto; {kept})")
    if given:
        print("Platform admin key: the secret in TPBIS_BOOTSTRAP_ADMIN_KEY")
    else:
        earlier = " (the keys of the restored data work too)" if stack.restored else ""
        print(f"Platform admin key (shown once): {stack.admin_secret}{earlier}")
    print(f"Embedded AWS: {stack.aws_url}  (`make rollup AWS_PORT={stack.aws_port}` runs the rollup against it)")
    print(f"Try: curl -s http://127.0.0.1:{stack.port}/v1/health    Stop: Ctrl-C", flush=True)
    stopping.wait()
    print("stopping...", flush=True)
    stack.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
