#!/usr/bin/env python3
"""The seed's regular-vs-mmap functions, timed for `mmap bench --python`.

The functions are the classic comparison's (Real Python, "Python mmap:
Improved File I/O With Memory Mapping"): the regular_io_* functions open the
file in text mode and use str methods and `re`; the mmap_io_* functions map it
with ACCESS_READ (ACCESS_WRITE to replace) and use bytes methods and `re` on
the map. They return what they found instead of printing it. The replacement
is " the " -> " python ", another length, so the mmap way resizes the map.

usage: seed.py FILE WORKDIR, then one JSON request a line on stdin (see
serve): `mmap bench` drives it as a co-process, so that its repetitions
alternate with the Go columns' and both languages meet the same machine.
"""

import hashlib
import json
import mmap
import os
import re
import shutil
import sys
import tempfile
import time

try:
    import resource  # Unix only
except ImportError:
    resource = None


def regular_io(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        text = file_obj.read()
    return len(text)


def mmap_io(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        with mmap.mmap(file_obj.fileno(), length=0, access=mmap.ACCESS_READ) as mmap_obj:
            text = mmap_obj.read()
    return len(text)


def regular_io_find(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        text = file_obj.read()
        return text.find(" the ")


def mmap_io_find(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        with mmap.mmap(file_obj.fileno(), length=0, access=mmap.ACCESS_READ) as mmap_obj:
            return mmap_obj.find(b" the ")


def regular_io_re(filename):
    five_letter_word = re.compile(r"\b[a-zA-Z]{5}\b")
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        text = file_obj.read()
        return len(five_letter_word.findall(text))


def mmap_io_re(filename):
    five_letter_word = re.compile(rb"\b[a-zA-Z]{5}\b")
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        with mmap.mmap(file_obj.fileno(), length=0, access=mmap.ACCESS_READ) as mmap_obj:
            return len(five_letter_word.findall(mmap_obj))


def regular_io_seek_find(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        file_obj.seek(10000)
        text = file_obj.read()
        i = text.find(" the ")
        return i if i < 0 else 10000 + i


def mmap_io_seek_find(filename):
    with open(filename, mode="r", encoding="utf-8") as file_obj:
        with mmap.mmap(file_obj.fileno(), length=0, access=mmap.ACCESS_READ) as mmap_obj:
            mmap_obj.seek(10000)
            return mmap_obj.find(b" the ")


def regular_io_find_and_replace(filename):
    with open(filename, mode="r", encoding="utf-8") as orig_file_obj:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", delete=False) as new_file_obj:
            orig_text = orig_file_obj.read()
            new_text = orig_text.replace(" the ", " python ")
            new_file_obj.write(new_text)
    shutil.copyfile(new_file_obj.name, filename)
    os.remove(new_file_obj.name)
    return len(new_text)


def mmap_io_find_and_replace(filename):
    with open(filename, mode="r+", encoding="utf-8") as file_obj:
        with mmap.mmap(file_obj.fileno(), length=0, access=mmap.ACCESS_WRITE) as mmap_obj:
            orig_text = mmap_obj.read()
            new_text = orig_text.replace(b" the ", b" python ")
            mmap_obj.resize(len(new_text))
            mmap_obj[:] = new_text
            mmap_obj.flush()
    return len(new_text)


COMPARISONS = {
    "read": (regular_io, mmap_io, False),
    "find": (regular_io_find, mmap_io_find, False),
    "regex": (regular_io_re, mmap_io_re, False),
    "seek_find": (regular_io_seek_find, mmap_io_seek_find, False),
    "replace": (regular_io_find_and_replace, mmap_io_find_and_replace, True),
}


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def faults():
    """Page faults so far, minor + major; -1 where the OS does not say."""
    if resource is None:
        return -1
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_minflt + r.ru_majflt


class Cell:
    """One function on one file, timed as the Go side times its columns."""

    def __init__(self, fn, path, pristine, cold):
        self.fn, self.path, self.pristine, self.cold = fn, path, pristine, cold

    def prepare(self):
        """What runs untimed before every call: the same as in Go."""
        if self.pristine:
            shutil.copyfile(self.pristine, self.path)
            fd = os.open(self.path, os.O_RDONLY)
            os.fsync(fd)  # the copy's writeback is not the timed function's
            os.close(fd)
        if self.cold:
            fd = os.open(self.path, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # as mmap bench --cold does
            os.close(fd)

    def rep(self, n):
        """n calls: total ns and page faults. No forced GC, as in Go."""
        fn, path = self.fn, self.path
        if not self.pristine and not self.cold:
            f0 = faults()
            t0 = time.perf_counter_ns()
            for _ in range(n):
                fn(path)
            t = time.perf_counter_ns() - t0
            return t, faults() - f0
        total = flt = 0
        for _ in range(n):
            self.prepare()
            f0 = faults()
            t0 = time.perf_counter_ns()
            fn(path)
            total += time.perf_counter_ns() - t0
            flt += faults() - f0
        return total, flt

    def warm(self):
        self.prepare()
        check = self.fn(self.path)
        out = {"check": check}
        if self.pristine:
            out["sum"] = sha256_of(self.path)
        return out


def serve(path, workdir, cold):
    """Answers one JSON request a line on stdin with one JSON line:
    {"op": "warm", "name", "col"} -> {"check", "sum"}
    {"op": "rep", "name", "col", "n"} -> {"ns", "faults"}
    {"op": "version"} -> {"version"}
    """
    tempfile.tempdir = workdir
    work = os.path.join(workdir, "python-work.txt")
    cells = {}
    for name, (regular, mapped, mutates) in COMPARISONS.items():
        target, pristine = (work, path) if mutates else (path, None)
        cells[name, "regular"] = Cell(regular, target, pristine, cold)
        cells[name, "mmap"] = Cell(mapped, target, pristine, cold)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "version":
                out = {"version": sys.version.split()[0]}
            elif op == "warm":
                out = cells[req["name"], req["col"]].warm()
            elif op == "rep":
                ns, flt = cells[req["name"], req["col"]].rep(req["n"])
                out = {"ns": ns, "faults": flt if resource else -1}
            else:
                out = {"error": "unknown op " + op}
        except Exception as e:  # reported to the Go side, which stops
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
    if os.path.exists(work):
        os.remove(work)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], os.environ.get("MMAP_BENCH_COLD") == "1")
