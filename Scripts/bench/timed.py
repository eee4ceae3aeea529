#!/usr/bin/env python3
"""Run a command, measure its wall-clock time, record it as JSON.

Usage: python3 Scripts/bench/timed.py --out TIME.json -- COMMAND [ARGS...]

The command's stdout and stderr pass through unchanged. The JSON holds
{"command", "seconds", "exit_code"}; the wrapper exits with the command's
exit code.
"""

import argparse
import json
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    start = time.perf_counter()
    try:
        code = subprocess.run(command).returncode
    except OSError as error:  # e.g. binary missing or not executable
        print(f"timed.py: cannot run {command[0]}: {error}", file=sys.stderr)
        code = 127
    seconds = time.perf_counter() - start
    with open(args.out, "w") as handle:
        json.dump({"command": command, "seconds": seconds, "exit_code": code}, handle, indent=1)
        handle.write("\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
