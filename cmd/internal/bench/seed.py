#!/usr/bin/env python3
"""The seed's regular-vs-mmap functions, timed for `mmap bench --python`.

The functions are the classic comparison's (Real Python, "Python mmap:
Improved File I/O With Memory Mapping"): the regular_io_* functions open the
file in text mode and use str methods and `re`; the mmap_io_* functions map it
with ACCESS_READ (ACCESS_WRITE to replace) and use bytes methods and `re` on
the map. They return what they found instead of printing it. The replacement
is " the " -> " python ", another length, so the mmap way resizes the map.

usage: seed.py FILE RUNS WORKDIR [NAME ...]
prints one JSON object: {"version": .., "results": {name: {"regular": {..},
"mmap": {..}}}}, each cell {"median_ns", "min_ns", "max_ns", "n", "check"}.
"""

import gc
import json
import mmap
import os
import re
import shutil
import sys
import tempfile
import time


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


# COLD: evict the file from the page cache before every timed run.
COLD = os.environ.get("MMAP_BENCH_COLD") == "1"


def time_cell(fn, path, runs, pristine):
    def once():
        if pristine:
            shutil.copyfile(pristine, path)
            fd = os.open(path, os.O_RDONLY)
            os.fsync(fd)  # the copy's writeback is not the timed function's
            os.close(fd)
        if COLD:
            fd = os.open(path, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # as mmap bench --cold does
            os.close(fd)
        gc.collect()
        t0 = time.perf_counter_ns()
        check = fn(path)
        return time.perf_counter_ns() - t0, check

    _, check = once()  # warm the page cache, untimed
    times = sorted(once()[0] for _ in range(runs))
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) // 2
    return {"median_ns": median, "min_ns": times[0], "max_ns": times[-1], "n": n, "check": check}


def main():
    path, runs, workdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    names = sys.argv[4:] or list(COMPARISONS)
    tempfile.tempdir = workdir
    work = os.path.join(workdir, "python-work.txt")
    results = {}
    for name in names:
        regular, mapped, mutates = COMPARISONS[name]
        target, pristine = (work, path) if mutates else (path, None)
        results[name] = {
            "regular": time_cell(regular, target, runs, pristine),
            "mmap": time_cell(mapped, target, runs, pristine),
        }
    if os.path.exists(work):
        os.remove(work)
    json.dump({"version": sys.version.split()[0], "results": results}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
