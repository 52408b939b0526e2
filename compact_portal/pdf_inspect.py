"""Inspects one uploaded PDF, read from standard input, and prints what it found as one line of JSON.

Run by compact_portal.uploads as a child process that limits its own memory and CPU time, never in the web process: a
crafted PDF (a page tree thousands of levels deep or with 100,001 kids, an object stream that expands to gigabytes)
can only exhaust the child, which the parent then reports as "too complex". Needs pypdf and nothing of Django.

Output: {"pages": n, "encrypted": bool, "found": [reason, ...]} where a reason is one of "javascript", "launch",
"embedded_file", "bomb"; or {"error": "damaged" | "limit", "detail": "..."}.
"""

import io
import json
import resource
import sys
import zlib

# Any stream whose content expands beyond this many bytes, or all streams together beyond the total, is a bomb:
# a scanned A4 page at 600 dpi in colour is about 100 MB raw, so these leave room for real scans.
STREAM_LIMIT = 128 * 1024 * 1024
TOTAL_LIMIT = 512 * 1024 * 1024
# A stream that expands more than this many times (and beyond a few megabytes) is a bomb too.
RATIO_LIMIT = 500
# A note verbale or a session document has a few pages; a file that claims thousands is refused before they are read.
PAGE_LIMIT = 2000
# Nodes of the object graph to look at before giving up: a real note verbale has a few thousand.
NODE_LIMIT = 2_000_000

# Other filters that expand their input (image codecs such as DCTDecode are left to the viewer).
EXPANDING_FILTERS = (
    "/LZWDecode",
    "/LZW",
    "/RunLengthDecode",
    "/RL",
    "/ASCIIHexDecode",
    "/AHx",
    "/ASCII85Decode",
    "/A85",
)
ACTIONS = {"/JavaScript": "javascript", "/Launch": "launch", "/GoToE": "embedded_file"}
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",
}
ACTIVE_TYPES = {"/EmbeddedFile": "embedded_file", "/FileAttachment": "embedded_file"}


class TooComplex(Exception):
    pass


def expanded_size(data: bytes, *, limit: int) -> int:
    """The size of FlateDecode `data` once expanded, counting at most `limit` + 1 bytes."""
    decompressor = zlib.decompressobj()
    size = 0
    chunk = data
    try:
        while chunk and size <= limit:
            size += len(decompressor.decompress(chunk, 1024 * 1024))
            chunk = decompressor.unconsumed_tail
    except zlib.error:
        return size  # damaged streams are the viewer's problem, not a bomb
    return size


def inspect(data: bytes) -> dict:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    encrypted = reader.is_encrypted
    if encrypted and not reader.decrypt(""):
        return {"pages": 0, "encrypted": True, "found": []}
    found = set()
    visited = 0
    expanded_total = 0

    def look_at(node, depth=0):
        nonlocal visited, expanded_total
        visited += 1
        if visited > NODE_LIMIT or depth > 200:
            raise TooComplex("too many objects")
        if isinstance(node, IndirectObject):
            return  # every indirect object is looked at once, from the cross-reference table
        if isinstance(node, DictionaryObject):
            action = node.get("/S")
            if isinstance(action, NameObject) and action in ACTIONS:
                found.add(ACTIONS[action])
            for kind in (node.get("/Type"), node.get("/Subtype")):
                if isinstance(kind, NameObject) and kind in ACTIVE_TYPES:
                    found.add(ACTIVE_TYPES[kind])
            for key, value in node.items():
                if key in ACTIVE_KEYS:
                    found.add(ACTIVE_KEYS[key])
                look_at(value, depth + 1)
            if isinstance(node, StreamObject):
                filters = node.get("/Filter")
                filters = list(filters) if isinstance(filters, ArrayObject) else [filters]
                raw = getattr(node, "_data", b"") or b""
                size = None
                if filters and filters[0] in ("/FlateDecode", "/Fl"):
                    size = expanded_size(raw, limit=STREAM_LIMIT)
                elif filters and filters[0] in EXPANDING_FILTERS:
                    # Decoded by pypdf, which stops at its own output limits (75 MB) with LimitReachedError.
                    try:
                        size = len(node.get_data())
                    except Exception as error:
                        if type(error).__name__ == "LimitReachedError":
                            found.add("bomb")
                if size is not None:
                    expanded_total += size
                    too_large = size > STREAM_LIMIT or expanded_total > TOTAL_LIMIT
                    too_dense = size > 4 * 1024 * 1024 and size > RATIO_LIMIT * max(len(raw), 1)
                    if too_large or too_dense:
                        found.add("bomb")
        elif isinstance(node, ArrayObject):
            for value in node:
                look_at(value, depth + 1)

    # The page tree first, the cheap way: a crafted one is refused before its objects are read one by one.
    root_pages = reader.trailer["/Root"]["/Pages"]
    declared, kids = root_pages.get("/Count", 0), root_pages.get("/Kids", [])
    if not isinstance(declared, int) or declared > PAGE_LIMIT or len(kids) > PAGE_LIMIT:
        raise TooComplex(f"{declared} pages declared, {len(kids)} kids")
    pages = len(reader.pages)  # walks the page tree: pypdf's limits (depth 100), and ours, bound a crafted one
    if pages > PAGE_LIMIT:
        raise TooComplex(f"{pages} pages")
    look_at(reader.trailer)
    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    for number, generation in sorted(numbers):
        try:
            node = reader.get_object(IndirectObject(number, generation, reader))
        except Exception as error:
            if type(error).__name__ == "LimitReachedError":
                found.add("bomb")
            continue
        look_at(node)
    return {"pages": pages, "encrypted": encrypted, "found": sorted(found)}


def main(argv: list[str]) -> int:
    # Limits first, before pypdf is imported or a byte parsed: address space and CPU seconds (then SIGXCPU ends it).
    memory, seconds = int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read()
    try:
        result = inspect(data)
    except (TooComplex, RecursionError, MemoryError) as error:
        result = {"error": "limit", "detail": f"{type(error).__name__}: {error}"[:300]}
    except Exception as error:
        kind = "limit" if type(error).__name__ == "LimitReachedError" else "damaged"
        result = {"error": kind, "detail": f"{type(error).__name__}: {error}"[:300]}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
