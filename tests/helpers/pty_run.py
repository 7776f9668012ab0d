#!/usr/bin/env python3
"""Run a command on a fresh pseudo-terminal and answer its prompts.

usage: pty_run.py TRANSCRIPT ANSWER... -- COMMAND [ARG...]

The command runs in a new session whose controlling terminal is the pty,
so it can open /dev/tty as it would in front of a person. Each time the
output so far ends with a prompt (text ending in ": "), the next ANSWER
is typed followed by a newline. Everything the terminal shows (the
command's output and whatever the terminal echoes) is written to
TRANSCRIPT. Exits with the command's exit status; 124 if it runs longer
than 20 seconds.
"""
import os
import pty
import select
import sys
import time


def main():
    if "--" not in sys.argv[2:]:
        sys.exit(__doc__)
    sep = sys.argv.index("--", 2)
    transcript, answers, cmd = sys.argv[1], sys.argv[2:sep], sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    seen = b""
    answered = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal and exited
            break
        if not chunk:
            break
        seen += chunk
        if seen.endswith(b": ") and answered < len(answers):
            os.write(fd, answers[answered].encode() + b"\n")
            answered += 1
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.exit(124)
    _, status = os.waitpid(pid, 0)
    with open(transcript, "wb") as f:
        f.write(seen)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
