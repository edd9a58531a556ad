"""Deciding the text encoding of one data file, with a clear error for mixed encodings.

Danish survey files arrive as UTF-8 (with or without the byte-order mark Excel writes),
UTF-16 (Excel's "Unicode text") or Windows-1252 (older Excel and SPSS exports).  The rule,
per file:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. NUL bytes at every other position without a mark: UTF-16 without a mark;
3. otherwise the whole file must decode as UTF-8; if it does not, and it holds no
   well-formed UTF-8 character beyond ASCII, it is Windows-1252;
4. a file that holds both UTF-8 characters and bytes that are not UTF-8 is refused,
   naming the byte offset (0-based, as a hex editor shows it) and the line of the first
   stray byte: decoding it as Windows-1252 would garble every æ, ø and å in it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from survey_kit.errors import DataValidationError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# well-formed UTF-8 sequences beyond ASCII (RFC 3629)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_SAMPLE = 4096


@dataclass(frozen=True)
class Decoded:
    """The text of a file and the encoding it was read with."""

    text: str
    encoding: str


def decode(raw: bytes, name: str) -> Decoded:
    """Decode the bytes of a text data file (see the module docstring for the rule).

    Parameters
    ----------
    raw
        The file's bytes.
    name
        The file as the user named it, for messages.

    Raises
    ------
    DataValidationError
        Mixed encodings, bytes that are no text in any of the accepted encodings, or
        binary content.

    Examples
    --------
    >>> decode("Køge".encode("utf-8"), "a.csv").encoding
    'utf-8'
    >>> decode("Køge".encode("cp1252"), "a.csv")
    Decoded(text='Køge', encoding='cp1252')
    >>> decode("Køge;Ishøj".encode("utf-8") + "ø".encode("cp1252"), "a.csv")
    Traceback (most recent call last):
    ...
    survey_kit.errors.DataValidationError: a.csv: mixed encodings: ...
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return Decoded(_strict(raw, encoding, name), encoding)
    sample = raw[:_SAMPLE]
    if b"\x00" in sample:
        return Decoded(_strict(raw, _utf16_without_bom(sample, name), name), "utf-16")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8 = _UTF8_MULTIBYTE.search(raw)
        if utf8 is not None:
            raise _mixed(raw, exc.start, utf8.start(), name) from None
    return Decoded(_strict(raw, "cp1252", name), "cp1252")


def _utf16_without_bom(sample: bytes, name: str) -> str:
    """UTF-16 LE/BE when NUL bytes fill every other position; binary data otherwise."""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    offset = sample.index(b"\x00")
    raise DataValidationError(
        f"{name}: not a text file: NUL byte at byte offset {offset} (expected a CSV file "
        "in UTF-8, UTF-16 or Windows-1252)"
    )


def _strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        label = {"cp1252": "Windows-1252"}.get(encoding, encoding.upper())
        byte = raw[exc.start]
        raise DataValidationError(
            f"{name}: cannot decode byte 0x{byte:02X} at byte offset {exc.start} "
            f"(line {_line(raw, exc.start)}) as {label}; save the file as UTF-8"
        ) from None


def _mixed(raw: bytes, bad: int, good: int, name: str) -> DataValidationError:
    """The error for a UTF-8 file with stray non-UTF-8 bytes."""
    stray = raw.decode("utf-8", errors="replace").count("\ufffd")
    as_1252 = raw[bad:bad + 1].decode("cp1252", errors="replace")
    sample = raw[good:good + 4].decode("utf-8", errors="ignore")[:1]
    return DataValidationError(
        f"{name}: mixed encodings: the file is UTF-8 (e.g. {sample!r} at byte offset {good}) "
        f"but byte 0x{raw[bad]:02X} at byte offset {bad} (line {_line(raw, bad)}) is not "
        f"UTF-8 (Windows-1252 {as_1252!r}; {stray} such byte(s) in the file); "
        "fix that character and save the file as UTF-8"
    )


def _line(raw: bytes, offset: int) -> int:
    """1-based line of a byte offset."""
    return raw.count(b"\n", 0, offset) + 1
