"""Zip members unpacked inside a byte budget, never trusting what the archive says of itself.

A zip's central directory declares each member's unpacked size, and a crafted file can lie: a
1 MB member that declares 10 bytes may inflate to gigabytes. So every member is read in chunks
of at most CHUNK bytes and never past its declared size (zipfile stops there and then fails the
CRC check), only the two methods whose decompressor takes an output bound are accepted (stored
and deflate; a bzip2 or LZMA chunk could expand without one), and the declared sizes of
everything one file unpacks, nested archives included, are charged to one UnpackBudget before
a byte is inflated.

    budget = UnpackBudget()                       # one per uploaded file
    members = ZipMembers(data, "The file", budget, allowed=NAME.fullmatch)
    members.read("run.json")                      # each member at most once
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MAX_UNPACKED_BYTES = 256_000_000  # everything a file's members declare, unpacked (zip bombs stop here)
MAX_MEMBERS = 5000
CHUNK = 1 << 16  # bytes inflated at a time
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, ValueError, OSError, EOFError, NotImplementedError)


class RunFileError(ValueError):
    """A file that is not a usable run file, with a sentence saying why."""


class UnpackBudget:
    """Bytes still allowed to be unpacked or decoded from one file, across every member and
    every nested archive."""

    def __init__(self, total: int = MAX_UNPACKED_BYTES):
        self.total = total
        self.left = total

    def charge(self, size: int, what: str, verb: str = "declares") -> None:
        """Spend `size` bytes; past what is left, a RunFileError: "`what` `verb` 300 MB unpacked"."""
        if size > self.left:
            raise RunFileError(
                f"{what} {verb} {size / 1e6:,.0f} MB unpacked; at most {self.total / 1e6:,.0f} MB are allowed for "
                "one file in all."
            )
        self.left -= size


class ZipMembers:
    """The members of the zip `data`, checked (count, names, methods, declared sizes) before any
    is unpacked; `read(name)` unpacks one, once. `allowed(name)` says which names may be there."""

    def __init__(self, data: bytes, what: str, budget: UnpackBudget, allowed=None):
        self.what = what
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self._archive.infolist()
        except ZIP_ERRORS:
            raise RunFileError(f"{what} is not a zip file, or it is truncated or damaged.") from None
        if len(infos) > MAX_MEMBERS:
            raise RunFileError(f"{what} has {len(infos):,} members; a run file has at most {MAX_MEMBERS:,}.")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check(info, allowed)
        budget.charge(sum(info.file_size for info in infos), what)

    def _check(self, info: zipfile.ZipInfo, allowed) -> None:
        name, what = info.filename, self.what
        if allowed is not None and not allowed(name):
            raise RunFileError(f"{what} holds {name!r}, which is not part of a run file.")
        if name in self._infos:
            raise RunFileError(f"{what} holds {name!r} twice.")
        if info.compress_type not in METHODS:
            raise RunFileError(
                f"{name!r} in {what} is compressed with method {info.compress_type}; a run file uses only stored "
                "or deflate."
            )
        if info.flag_bits & 0x1:
            raise RunFileError(f"{name!r} in {what} is encrypted; a run file never is.")
        self._infos[name] = info

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def names(self) -> list[str]:
        return list(self._infos)

    def read(self, name: str) -> bytes:
        """One member's bytes, inflated CHUNK bytes at a time and never past its declared size;
        a member whose content does not match what the archive declares is refused."""
        info = self._infos.pop(name)  # each member is unpacked at most once
        chunks, size = [], 0
        try:
            with self._archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > info.file_size:  # zipfile stops at the declared size; never rely on it alone
                        raise zipfile.BadZipFile("it holds more than it declares")
                    chunks.append(chunk)
        except (*ZIP_ERRORS, RuntimeError) as error:  # RuntimeError: an encrypted member
            raise RunFileError(f"{name!r} in {self.what} cannot be unpacked ({error}).") from None
        if size != info.file_size:
            raise RunFileError(f"{name!r} in {self.what} holds {size:,} bytes but declares {info.file_size:,}.")
        return b"".join(chunks)

    def read_all(self) -> dict[str, bytes]:
        return {name: self.read(name) for name in self.names()}
