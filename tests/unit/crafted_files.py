"""Crafted run files, as a careless or hostile student would upload them: zips whose members lie
about their size or use another compression method, listings repeated thousands of times, huge
and ragged histories, field bombs, probes of another configuration, pickles. Each case is
(name, bytes); tests/unit/test_crafted_files.py loads every one in a forked child.

The zips are written by hand (zip_bytes), so a member can declare any size, method or flag.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path

import numpy as np

DEMOS = Path(__file__).resolve().parents[2] / "rnnviz" / "demo_runs"
SENTINEL = Path("/tmp/rnnviz-crafted-pickle-ran")  # a pickle in a case would create this file
BOMB_BYTES = 1_000_000_000  # what a bomb inflates to


def zip_bytes(members: list[dict]) -> bytes:
    """A zip whose every field is ours. Each member: name, data (as stored, already compressed),
    and optionally method (0 stored, 8 deflate, 12 bzip2, 14 lzma), size (declared unpacked),
    crc and flags."""
    out, central = io.BytesIO(), io.BytesIO()
    for m in members:
        name = m["name"].encode()
        data, method = m["data"], m.get("method", 0)
        size, crc, flags = m.get("size", len(data)), m.get("crc", zlib.crc32(data)), m.get("flags", 0)
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(data), size, len(name), 0)
        )
        out.write(name + data)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0o644 << 16,
                offset,
            )
        )
        central.write(name)
    start, directory = out.tell(), central.getvalue()
    count = len(members)
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


@cache
def bomb() -> bytes:
    """A raw deflate stream of BOMB_BYTES zeros (about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(BOMB_BYTES >> 20)]
    return b"".join(parts) + packer.flush()


@cache
def demo(name: str = "char_rnn") -> dict[str, bytes]:
    with zipfile.ZipFile(DEMOS / f"{name}.rnnrun") as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def pack(members: dict[str, bytes], compress: bool = True) -> bytes:
    return zip_bytes(
        [
            {"name": n, "data": deflate(d), "method": 8, "size": len(d), "crc": zlib.crc32(d)}
            if compress
            else {"name": n, "data": d}
            for n, d in members.items()
        ]
    )


def header(members: dict[str, bytes] | None = None) -> dict:
    return json.loads((members or demo())["run.json"])


def with_header(change, base: dict[str, bytes] | None = None) -> bytes:
    members = dict(base or demo())
    found = header(members)
    change(found)
    members["run.json"] = json.dumps(found).encode()
    return pack(members)


def lane_member(kind: str, base: dict[str, bytes] | None = None) -> str:
    """The name of the char run's first member of a kind: "probes", "weights", "history.csv"."""
    return next(n for n in (base or demo()) if n.startswith(f"lanes/0/{kind}"))


def lying(name: str, method: int = 8, inflated: bytes | None = None) -> bytes:
    """The char run with `name` replaced by a member that declares 100 bytes but holds far more."""
    members = [
        {"name": n, "data": deflate(d), "method": 8, "size": len(d), "crc": zlib.crc32(d)} for n, d in demo().items()
    ]
    for m in members:
        if m["name"] == name:
            if inflated is None:
                m.update(data=bomb(), method=8, size=100, crc=0)
            else:
                m.update(data=inflated, method=method, size=100, crc=0)
    return zip_bytes(members)


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def probe_with(change) -> bytes:
    """The char run whose first probe's npz members went through change(dict name → bytes)."""
    members = dict(demo())
    name = lane_member("probes")
    with zipfile.ZipFile(io.BytesIO(members[name])) as archive:
        inner = {i.filename: archive.read(i) for i in archive.infolist()}
    change(inner)
    members[name] = pack(inner)
    return pack(members)


def weights_with(change) -> bytes:
    """The char run whose first weights' safetensors (header dict, tensor bytes) went through change."""
    members = dict(demo())
    name = lane_member("weights")
    data = members[name]
    (size,) = struct.unpack("<Q", data[:8])
    found, body = json.loads(data[8 : 8 + size]), bytearray(data[8 + size :])
    result = change(found, body)
    if isinstance(result, bytes):
        members[name] = result
    else:
        text = json.dumps(found).encode()
        members[name] = struct.pack("<Q", len(text)) + text + bytes(body)
    return pack(members)


def table(kind: str, text: bytes) -> bytes:
    members = dict(demo())
    members[lane_member(kind)] = text
    return pack(members)


def first_tensor(found: dict) -> tuple[str, dict]:
    name = next(n for n in found if n != "__metadata__")
    return name, found[name]


def nan_at(found: dict, body: bytearray, value: float) -> None:
    _, info = first_tensor(found)
    start = info["data_offsets"][0]
    body[start : start + 4] = struct.pack("<f", value)  # one number of the first tensor


def pickled_probe(inner: dict) -> None:
    """An object array whose pickle would create SENTINEL if anything unpickled it."""
    import pickle

    class Payload:
        def __reduce__(self):
            return (Path.touch, (SENTINEL,))

    array = np.empty(1, dtype=object)
    array[0] = Payload()
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    inner["hidden.npy"] = buffer.getvalue()
    assert pickle  # the payload above is a pickle


def other_configuration_probe() -> bytes:
    """The adding race's LSTM probe, renamed into the char model's lane at its step."""
    members = dict(demo())
    name = lane_member("probes")
    step = int(name.rsplit("/", 1)[1].split(".")[0])
    race = demo("adding_race_T50")
    theirs = race[next(n for n in race if n.startswith("lanes/2/probes/"))]
    with zipfile.ZipFile(io.BytesIO(theirs)) as archive:
        inner = {i.filename: archive.read(i) for i in archive.infolist()}
    meta = json.loads(str(np.load(io.BytesIO(inner["meta.npy"]))[()]))
    meta["step"] = step
    inner["meta.npy"] = npy(np.array(json.dumps(meta)))
    members[name] = pack(inner)
    return pack(members)


def case_list() -> list[tuple[str, bytes]]:
    """Every crafted case: (name, bytes)."""
    cases: list[tuple[str, bytes]] = []
    add = lambda name, data: cases.append((name, data))  # noqa: E731
    base = demo()
    probe, weights = lane_member("probes"), lane_member("weights")
    history, evaluations = "lanes/0/history.csv", "lanes/0/evaluations.csv"

    # Members that lie about their size, for every member kind and compression method.
    for name in ("run.json", history, evaluations, probe, weights):
        add(f"deflate bomb as {name}", lying(name))
    add("stored member longer than declared", lying(history, 0, b"step,loss,grad_norm\n" + b"1,1,1\n" * 200_000))
    add("bzip2 member", lying(history, 12, b"BZh91AY&SY" + bytes(100)))
    add("lzma member", lying(history, 14, bytes(100)))
    add("zstandard member", lying(probe, 93, bytes(100)))
    add("encrypted member", zip_bytes([{"name": "run.json", "data": base["run.json"], "flags": 1}]))
    add("declared sizes past the budget", zip_bytes([{"name": "run.json", "data": b"{}", "size": 300_000_000}]))
    add("nested probe members past the budget", nested_declaring(300_000_000))
    add("deflate bomb inside a probe", _nested_bomb())

    # The same weights or probes listed many times, or too many of them.
    add("probe listed twice", with_header(lambda h: h["lanes"][0]["probes"].append(h["lanes"][0]["probes"][0])))
    add("weights listed twice", with_header(lambda h: h["lanes"][0]["weights"].append(h["lanes"][0]["weights"][0])))
    add("weights listed 8 times", with_header(lambda h: h["lanes"][0].update(weights=h["lanes"][0]["weights"][:1] * 8)))
    add(
        "probe listed 100,000 times",
        with_header(lambda h: h["lanes"][0].update(probes=h["lanes"][0]["probes"][:1] * 100_000)),
    )
    add("65 probe steps", with_header(lambda h: h["lanes"][0].update(probes=list(range(65)))))
    add("a lane listed 9 times", with_header(lambda h: h.update(lanes=h["lanes"] * 9)))

    # A resume state listed but missing, or not safetensors.
    add("resume state listed, not there", with_header(lambda h: h["lanes"][0].update(resume=True)))
    broken_resume = {**base, "lanes/0/resume.safetensors": b"\x10\x00\x00\x00\x00\x00\x00\x00" + bytes(40)}
    add("resume state not safetensors", with_header(lambda h: h["lanes"][0].update(resume=True), broken_resume))
    add("two lanes with one label", with_header(lambda h: h.update(lanes=h["lanes"] * 2)))

    # Huge and ragged histories.
    add(
        "history of 2 million rows",
        table("history", b"step,loss,grad_norm\n" + b"".join(b"%d,1,1\n" % k for k in range(2_000_000))),
    )
    add(
        "history of 200,001 rows",
        table("history", b"step,loss,grad_norm\n" + b"".join(b"%d,1,1\n" % k for k in range(200_001))),
    )
    add("one row of 2.5 million fields", table("history", b"step,loss,grad_norm\n0," + b"1," * 2_500_000 + b"1\n"))
    add("one row of 201 characters", table("history", b"step,loss,grad_norm\n0,1," + b"1" * 201 + b"\n"))
    add("a row with too few fields", table("history", b"step,loss,grad_norm\n0,1,1\n1,1\n"))
    add("a row with too many fields", table("history", b"step,loss,grad_norm\n0,1,1\n1,1,1,1\n"))
    add("history with another header", table("history", b"step,loss\n0,1\n"))
    add("history holding words", table("history", b"step,loss,grad_norm\n0,one,1\n"))
    add("history with a NaN step", table("history", b"step,loss,grad_norm\nnan,1,1\n"))
    add("history with a negative step", table("history", b"step,loss,grad_norm\n-1,1,1\n"))
    add("history whose steps repeat", table("history", b"step,loss,grad_norm\n1,1,1\n1,1,1\n"))
    add("history whose steps go back", table("history", b"step,loss,grad_norm\n2,1,1\n1,1,1\n"))
    add("history with a fractional step", table("history", b"step,loss,grad_norm\n1.5,1,1\n"))
    add("history that is not UTF-8", table("history", b"step,loss,grad_norm\n\xff\xfe,1,1\n"))
    add(
        "history with a quoted field of a million characters",
        table("history", b'step,loss,grad_norm\n0,1,"' + b"1" * 10**6 + b'"\n'),
    )
    add(
        "evaluations of 2 million rows",
        table("evaluations", b"step,eval_loss,metric,solved\n" + b"".join(b"%d,1,1,0\n" % k for k in range(2_000_000))),
    )

    # Field bombs in run.json and in the members it points to.
    add("run.json nested 100,000 deep", _with_member("run.json", b"[" * 100_000 + b"]" * 100_000))
    add("run.json with a 10 MB title", with_header(lambda h: h.update(title="x" * 10_000_000)))
    add("run.json with an unknown state", with_header(lambda h: h.update(state="exploded")))
    add("run.json of another version", with_header(lambda h: h.update(version=2)))
    add("run.json of another format", with_header(lambda h: h.update(format="other")))
    add("run.json with a negative max_steps", with_header(lambda h: h.update(max_steps=-1)))
    add("lane whose solved_at is a word", with_header(lambda h: h["lanes"][0].update(solved_at="soon")))
    add("lane with a 20,001-value series", with_header(lambda h: h["lanes"][0]["config"].update(series=[1.0] * 20_001)))
    add("lane with an unknown setting", with_header(lambda h: h["lanes"][0]["config"].update(rm_rf=1)))
    add("lane whose hidden size is a string", with_header(lambda h: h["lanes"][0]["config"].update(hidden_size="64")))
    add("lane whose hidden size is 10**9", with_header(lambda h: h["lanes"][0]["config"].update(hidden_size=10**9)))
    add("lane with a boolean step", with_header(lambda h: h["lanes"][0].update(probes=[True])))
    add("lane without a label", with_header(lambda h: h["lanes"][0].pop("label")))
    add("npy of object dtype holding a pickle", probe_with(pickled_probe))
    add(
        "npy with more bytes than its shape",
        probe_with(lambda inner: inner.update({"hidden.npy": inner["hidden.npy"] + b"\0\0\0\0"})),
    )
    add(
        "npy with fewer bytes than its shape",
        probe_with(lambda inner: inner.update({"hidden.npy": inner["hidden.npy"][:-4]})),
    )
    add(
        "npy declaring 10**12 numbers",
        probe_with(lambda inner: inner.update({"hidden.npy": _npy_header("(1000000, 1000000)")})),
    )
    add(
        "npy with a header of 60,000 characters",
        probe_with(lambda inner: inner.update({"hidden.npy": _npy_header("(" + "1, " * 20_000 + ")")})),
    )
    add(
        "probe meta nested 100,000 deep",
        probe_with(lambda inner: inner.update({"meta.npy": npy(np.array("[" * 100_000 + "]" * 100_000))})),
    )
    add("probe without hidden states", probe_with(lambda inner: inner.pop("hidden.npy")))
    add("probe with an unknown array", probe_with(lambda inner: inner.update({"extra.npy": npy(np.zeros(3))})))
    add("safetensors header claiming 10**15 bytes", weights_with(lambda found, body: struct.pack("<Q", 10**15) + b"{}"))
    add("weights with one NaN", weights_with(lambda found, body: nan_at(found, body, float("nan"))))
    add("weights with one infinity", weights_with(lambda found, body: nan_at(found, body, float("inf"))))
    add("weights of integers", weights_with(lambda found, body: first_tensor(found)[1].update(dtype="I32")))
    add("weights of another shape", weights_with(lambda found, body: first_tensor(found)[1].update(shape=[1, 1])))
    add("weights of another configuration", weights_with(_other_spec))

    # Probes of another configuration.
    add("the adding race's LSTM probe in the char lane", other_configuration_probe())
    add("probe whose step is another", probe_with(_other_step))

    # Archives that are not run files.
    add("empty file", b"")
    add("not a zip", b"hello, this is text")
    add("truncated zip", pack(base)[:5000])
    add("member outside the layout", pack({**base, "../../etc/passwd": b"x"}))
    add("member twice", zip_bytes([{"name": "run.json", "data": base["run.json"]}] * 2))
    add("member no lane lists", pack({**base, "lanes/5/history.csv": base[history]}))
    add("listed member missing", pack({n: d for n, d in base.items() if n != weights}))
    add("5,001 members", zip_bytes([{"name": f"lanes/0/probes/{k}.npz", "data": b""} for k in range(5001)]))
    add("the char run, untouched", pack(base))
    add("the adding race, untouched", pack(demo("adding_race_T50")))
    return cases


def _with_member(name: str, data: bytes) -> bytes:
    return pack({**demo(), name: data})


def nested_declaring(size: int, probes: int = 1) -> bytes:
    """The char run whose first `probes` probes each hold a hidden.npy declaring `size` bytes."""
    members, listed = dict(demo()), header()["lanes"][0]["probes"]
    for step in listed[:probes]:
        name = f"lanes/0/probes/{step}.npz"
        with zipfile.ZipFile(io.BytesIO(members[name])) as archive:
            inner = [{"name": i.filename, "data": archive.read(i)} for i in archive.infolist()]
        for m in inner:
            if m["name"] == "hidden.npy":
                m["size"] = size
        members[name] = zip_bytes(inner)
    return pack(members)


def _nested_bomb() -> bytes:
    """A probe npz whose hidden.npy declares 100 bytes and inflates to a gigabyte."""
    members = dict(demo())
    name = lane_member("probes")
    with zipfile.ZipFile(io.BytesIO(members[name])) as archive:
        inner = [
            {
                "name": i.filename,
                "data": deflate(d := archive.read(i)),
                "method": 8,
                "size": len(d),
                "crc": zlib.crc32(d),
            }
            for i in archive.infolist()
        ]
    for m in inner:
        if m["name"] == "hidden.npy":
            m.update(data=bomb(), size=100, crc=0)
    members[name] = zip_bytes(inner)
    return pack(members)


def _npy_header(shape: str) -> bytes:
    text = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}".encode()
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(text)) + text


def _other_spec(found: dict, body: bytearray) -> None:
    meta = json.loads(found["__metadata__"]["rnnviz"])
    meta["spec"]["hidden_size"] = str(int(meta["spec"]["hidden_size"]) + 1)
    found["__metadata__"]["rnnviz"] = json.dumps(meta)


def _other_step(inner: dict) -> None:
    meta = json.loads(str(np.load(io.BytesIO(inner["meta.npy"]))[()]))
    meta["step"] += 1
    inner["meta.npy"] = npy(np.array(json.dumps(meta)))
