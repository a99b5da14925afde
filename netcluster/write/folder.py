"""The output folder, written all at once or not at all.

:class:`OutputFolder` gives the writers a fresh private folder inside ``--out`` and, when the
analysis has finished, moves every file into ``--out`` (``os.replace``: each file appears
whole, and a symbolic link planted under a file's name is replaced, never followed).  While
files are moved a marker ``.netcluster-incomplete`` says so; a crash or a signal before that
leaves the earlier run's files as they were and removes the private folder.  A lock file keeps
two runs from writing into one folder; ``--out`` is checked before the analysis starts (a
file, a folder under a file, or a folder that cannot be written is an error at once).

A folder that already holds files is refused unless ``overwrite`` (``--overwrite``); then the
files the earlier run's ``manifest.json`` lists and this run does not write are removed, so no
old output (a ``network.graphml`` of a run with ``--graphml``) survives next to new ones.
Files netcluster did not write are never removed.  Each run writes ``manifest.json``: every
file with its size and SHA-256, the netcluster version and the run's parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..exceptions import OptionError

__all__ = ["OutputFolder", "LOCK_NAME", "INCOMPLETE_NAME", "MANIFEST_NAME"]

LOCK_NAME = ".netcluster.lock"
INCOMPLETE_NAME = ".netcluster-incomplete"
MANIFEST_NAME = "manifest.json"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class OutputFolder:
    """``with OutputFolder(out) as folder:`` write into ``folder.work``; ``folder.commit()``
    moves the files into ``out``.  Leaving the block without a commit (an error, Ctrl-C, a
    signal turned into an exception) removes the work folder and keeps ``out`` as it was."""

    def __init__(self, out, *, overwrite: bool = False):
        self.out = Path(out)
        self.overwrite = overwrite
        self.work: Path | None = None
        self._lock = None

    def __enter__(self) -> "OutputFolder":
        out = self.out
        if out.exists() and not out.is_dir():
            raise OptionError("--out is a file, not a folder: choose a folder (it is created if missing)", file=out)
        for parent in out.parents:
            if parent.exists() and not parent.is_dir():
                raise OptionError(f"--out is under {parent}, which is a file, not a folder", file=out)
        if out.is_dir() and not self.overwrite:
            present = self._present()
            if present:
                earlier = " (an earlier netcluster run's outputs)" if MANIFEST_NAME in present else ""
                shown = ", ".join(present[:6]) + (f" … ({len(present)} entries)" if len(present) > 6 else "")
                raise OptionError(f"the output folder is not empty{earlier}: {shown}. Choose a new or empty folder, "
                                 f"or pass --overwrite (analyze(..., overwrite=True)) to replace the earlier "
                                 f"outputs", file=out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            self.work = Path(tempfile.mkdtemp(prefix=".netcluster-work-", dir=out))
        except PermissionError as e:
            self._release()
            raise OptionError(f"cannot write into the output folder ({e.strerror}): choose a folder you "
                             f"can write to", file=out) from None
        except OSError as e:
            self._release()
            raise OptionError(f"cannot use the output folder ({e.strerror or e})", file=out) from None
        return self

    def __exit__(self, *exc):
        if self.work is not None and self.work.exists():
            shutil.rmtree(self.work, ignore_errors=True)
        self._release()
        return False

    def _take_lock(self):
        path = self.out / LOCK_NAME
        for _ in range(2):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            except FileExistsError:
                try:
                    pid = int(path.read_text().strip() or 0) if not path.is_symlink() else 0
                except (OSError, ValueError):
                    pid = 0
                if pid and _pid_alive(pid):
                    raise OptionError(f"another netcluster run (process {pid}) is writing into this folder; "
                                     f"wait for it to finish or choose another --out", file=self.out) from None
                path.unlink(missing_ok=True)  # stale: its run died
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self._lock = path
            return
        raise OptionError("cannot take the output folder's lock", file=self.out)

    def _release(self):
        if self._lock is not None:
            try:
                if self._lock.read_text().strip() == str(os.getpid()):
                    self._lock.unlink()
            except OSError:
                pass
            self._lock = None

    def _present(self) -> list[str]:
        return sorted(p.name for p in self.out.iterdir()
                      if p.name not in (LOCK_NAME, INCOMPLETE_NAME) and not p.name.startswith(".netcluster-work-"))

    def _earlier_files(self) -> list[str]:
        """The files the manifest of the run before lists (none if there is no readable one)."""
        try:
            m = json.loads((self.out / MANIFEST_NAME).read_text(encoding="utf-8"))
            return [f["name"] for f in m.get("files", []) if isinstance(f, dict) and isinstance(f.get("name"), str)]
        except (OSError, ValueError, AttributeError):
            return []

    def write_manifest(self, info: dict) -> Path:
        """``manifest.json`` in the work folder: each file's name, bytes and SHA-256, and ``info``."""
        files = []
        for p in sorted(self.work.iterdir()):
            if p.is_file() and p.name != MANIFEST_NAME:
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                files.append({"name": p.name, "bytes": p.stat().st_size, "sha256": h.hexdigest()})
        path = self.work / MANIFEST_NAME
        path.write_text(json.dumps({**info, "files": files}, ensure_ascii=False, indent=1, default=str) + "\n",
                        encoding="utf-8")
        return path

    def commit(self) -> list[Path]:
        """Move every file of the work folder into ``out`` (replacing earlier runs' files of the
        same names), then remove the earlier run's files (by its manifest) this run did not
        write; returns the files' final paths."""
        earlier = self._earlier_files()
        marker = self.out / INCOMPLETE_NAME
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o644)
        os.write(fd, b"netcluster is moving this run's files into place; if this file stays, the run "
                     b"was interrupted and the folder mixes two runs: run it again\n")
        os.close(fd)
        done = []
        for src in sorted(self.work.iterdir()):
            dst = self.out / src.name
            if dst.is_dir() and not dst.is_symlink():
                raise OptionError(f"cannot write {src.name}: a folder of that name is in the way", file=self.out)
            os.replace(src, dst)  # a link at dst is replaced, not followed
            done.append(dst)
        written = {p.name for p in done}
        for name in earlier:
            old = self.out / name
            if name not in written and Path(name).name == name and (old.is_file() or old.is_symlink()):
                old.unlink()
        marker.unlink()
        return done
