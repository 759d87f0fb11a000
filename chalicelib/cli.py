"""`tpbis`: operator commands against the configured AWS account (or the local stack).

  tpbis rollup                 run the indicator rollup now and print its summary
  tpbis rollup --rebuild       drop every aggregate and recompute all of them from the reports
  tpbis admin-key [SECRET]     install a platform-admin key (a new secret is printed when none is given)
  tpbis canonical-ids [--apply]  find reports stored under a non-lower-case id; --apply resolves them

The local stack (`make run`) prints its embedded AWS endpoint; point these commands at it with
AWS_ENDPOINT_URL (see `make rollup`).
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="tpbis", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    roll = commands.add_parser("rollup", help="run the indicator rollup now")
    roll.add_argument("--rebuild", action="store_true", help="drop every aggregate and recompute from scratch")
    key = commands.add_parser("admin-key", help="install a platform-admin key")
    key.add_argument("secret", nargs="?", help="the secret to install (default: a new random one)")
    ids = commands.add_parser("canonical-ids", help="resolve reports stored under non-lower-case ids")
    ids.add_argument("--apply", action="store_true", help="resolve them (default: only list them)")
    args = parser.parse_args(argv)
    if args.command == "canonical-ids":
        from chalicelib.services.canonical_ids import canonicalize

        print(json.dumps(canonicalize(apply=args.apply).as_dict(), indent=2))
        return 0
    if args.command == "rollup":
        from chalicelib.services import rollup

        try:
            summary = rollup.rebuild() if args.rebuild else rollup.run()
        except rollup.RollupBusyError as exc:
            print(f"tpbis: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(summary.as_dict(), indent=2))
        return 1 if summary.tenants_failed else 0
    from chalicelib.domain.keys import new_key_id, new_secret
    from chalicelib.services.keys import install_bootstrap_key

    secret = args.secret or new_secret(new_key_id())
    installed = install_bootstrap_key(secret)
    print(f"platform admin key {installed.key_id} installed" + ("" if args.secret else f"; secret: {secret}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
