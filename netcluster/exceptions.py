"""One exception root for netcluster, with subclasses for bad input.

Every message names what is wrong and, where it applies, the file, the line,
the column and the offending value, so that an analyst can fix the export.
"""

__all__ = [
    "NetclusterError",
    "OptionError",
    "InputError",
    "EncodingError",
    "MissingColumnError",
    "MappingError",
    "ResourceLimitError",
    "EmptyResultError",
]


class NetclusterError(Exception):
    """Root of every error raised on purpose by netcluster.

    ``exit_code``: what the command line returns for it — 2 a problem with the options or the
    files they name (usage), 3 a problem with the input data itself (README: "Exit codes").
    """

    exit_code = 2


class InputError(NetclusterError, ValueError):
    """The input data cannot be used as it is.

    Attributes ``file``, ``line``, ``column`` and ``value`` are set when known.  Exit code 3.
    """

    exit_code = 3

    def __init__(self, message, *, file=None, line=None, column=None, value=None):
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.column = column
        self.value = value
        where = []
        if file is not None:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)

    def lines_below(self, offset: int) -> "InputError":
        """The same error with its line ``offset`` lines further down (a file read from below
        its first lines)."""
        if not offset or self.line is None:
            return self
        return type(self)(self.message, file=self.file, line=self.line + offset, column=self.column,
                          value=self.value)


class OptionError(InputError):
    """An option or a path given on the command line (or to :func:`netcluster.analyze`) cannot
    be used: a malformed year range, an unknown grouping, a missing input, an output folder in
    use.  A subclass of :class:`InputError` (``file`` where it applies); exit code 2."""

    exit_code = 2


class EncodingError(InputError):
    """No supported text encoding decodes the file."""


class MissingColumnError(InputError):
    """A required column is absent; the message lists headers and close candidates."""


class MappingError(NetclusterError, ValueError):
    """The user mapping file is malformed or names columns that do not exist."""


class ResourceLimitError(NetclusterError, MemoryError):
    """An operation would exceed a stated resource budget (memory, pairs)."""


class EmptyResultError(NetclusterError, ValueError):
    """An indicator is undefined for the data given (e.g. no non-participants).  Exit code 3."""

    exit_code = 3
