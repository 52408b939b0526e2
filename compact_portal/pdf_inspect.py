"""Inspects uploaded PDFs, each in a fresh process limited in memory and CPU time, and answers one line of JSON each.

Never in the web process: a crafted PDF (a page tree thousands of levels deep or with 100,001 kids, an object stream
that expands to gigabytes) can only exhaust the process that parses it, which is then reported as "too complex".
Needs pypdf and nothing of Django.

    python pdf_inspect.py MEMORY SECONDS < file.pdf    one file: limits itself, parses, prints its answer
    python pdf_inspect.py --serve                       the checker that compact_portal.uploads keeps per web process

`--serve` imports pypdf once, then for each request on standard input (a line "MEMORY SECONDS WALL LENGTH", then
LENGTH bytes) forks a child that sets its limits (address space, CPU seconds, no core file) before it parses a
byte, writes its answer into a pipe of its own and exits. The checker waits at most WALL seconds for it, kills it
then, and answers on standard output; a child killed by its CPU limit (SIGXCPU) or out of memory is a "limit". So
each file is still parsed by a process of its own, under the same limits, without starting a Python and importing
pypdf for it (~200 ms of CPU before; a fork now). It exits at the end of its standard input (its web process gone).

Answer: {"pages": n, "encrypted": bool, "found": [reason, ...]} where a reason is one of "javascript", "launch",
"embedded_file", "bomb"; or {"error": "damaged" | "limit", "detail": "..."}.
"""

import io
import json
import os
import resource
import select
import signal
import sys
import time
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


def _limit(memory: int, seconds: int) -> None:
    """Limits this process before it parses a byte: address space and CPU seconds (then SIGXCPU ends it)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def answer(data: bytes) -> dict:
    """What `inspect` finds, or the error that stopped it."""
    try:
        return inspect(data)
    except (TooComplex, RecursionError, MemoryError) as error:
        return {"error": "limit", "detail": f"{type(error).__name__}: {error}"[:300]}
    except Exception as error:
        kind = "limit" if type(error).__name__ == "LimitReachedError" else "damaged"
        return {"error": kind, "detail": f"{type(error).__name__}: {error}"[:300]}


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def check_in_child(data: bytes, *, memory: int, seconds: int, wall: float) -> dict:
    """Forks a child that limits itself and inspects `data`; its answer, or a "limit" if it was killed or too slow."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits first, then parse; never returns into the checker's loop
        try:
            os.close(read_end)
            _limit(memory, seconds)
            os.write(write_end, (json.dumps(answer(data)) + "\n").encode())
        finally:
            os._exit(0)
    os.close(write_end)
    output, deadline, timed_out = b"", time.monotonic() + wall, False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(read_end, 65536)
            if not chunk:  # the child has exited (or closed its end)
                break
            output += chunk
    finally:
        os.close(read_end)
        _pid, status = os.waitpid(pid, 0)
    if timed_out:
        return {"error": "limit", "detail": f"no answer within {wall:g} s"}
    try:
        return json.loads(output.decode())
    except ValueError:
        if os.WIFSIGNALED(status):  # SIGXCPU: its CPU limit; SIGKILL or SIGSEGV: out of memory in C code
            return {"error": "limit", "detail": f"killed by {signal.Signals(os.WTERMSIG(status)).name}"}
        return {"error": "limit", "detail": f"exit {os.waitstatus_to_exitcode(status)} without an answer"}


def _sample() -> bytes:
    """A one-page PDF with a compressed content stream, made here: what the checker inspects to warm up."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 770 Td (Note verbale) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def serve(requests, answers) -> int:
    """The long-lived checker: one request after another from `requests`, one line of JSON each on `answers`."""
    import gc

    answer(_sample())  # pypdf and what it loads on first use, once here, inherited by every child
    gc.freeze()  # and never collected: a child's collections leave those pages shared with the checker

    while True:
        header = requests.readline()
        if not header:
            return 0  # the web process has gone
        memory, seconds, wall, length = header.split()
        data = _read_exactly(requests, int(length))
        result = check_in_child(data, memory=int(memory), seconds=int(seconds), wall=float(wall))
        answers.write((json.dumps(result) + "\n").encode())
        answers.flush()


def main(argv: list[str]) -> int:
    if argv[1:] == ["--serve"]:
        return serve(sys.stdin.buffer, sys.stdout.buffer)
    _limit(int(argv[1]), int(argv[2]))  # before pypdf is imported or a byte parsed
    sys.stdout.write(json.dumps(answer(sys.stdin.buffer.read())) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
