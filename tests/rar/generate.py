#!/usr/bin/env python3
"""Write the RAR fixtures: tests/fixtures/rar/*.rar, holding seeds from
samples/ as a county would publish them.

    pip install rars==0.12.3
    python3 tests/rar/generate.py

- county_rar5_solid.rar: RAR 5, solid: a folder entry 预算, then
  预算/002.txt and 决算/003.txt (UTF-8 names, as RAR 5 stores every name).
- county_rar4_gbk.rar: RAR 2.9 (the RAR 4 format), not solid, 预算\\002.txt
  with its name stored as GBK bytes and no Unicode name, as WinRAR 4 on
  Chinese Windows writes it. The writer takes names as text, so the file
  is written with an ASCII name of the same length, and the name's bytes
  and the header's CRC (the low 16 bits of the CRC-32 of the header after
  its CRC field) are then set by hand.
- solid_link_rar5.rar: RAR 5, solid: a.txt, a link to it, b.txt.
- encrypted_rar4.rar: RAR 2.9 with a password (names readable, contents
  not), two files named a.txt.
- encrypted_names_rar5.rar: RAR 5 with its headers encrypted (cannot be
  listed without the password).

The `rars` writer is the Python face of the same crate the tool reads RAR
with; the GBK name is set by hand, outside it. Output is ours (the seeds
from samples/), not third-party.
"""
import struct
import zlib
from pathlib import Path

import rars

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
OUT = REPO / "tests" / "fixtures" / "rar"
SEED_002 = (SAMPLES / "002_ef8a97d7800bc6c6.txt").read_bytes()
SEED_003 = (SAMPLES / "003_93f707ff5e41d323.txt").read_bytes()


def rar5_solid():
    b = rars.RarBuilder(format="rar50", solid=True)
    b.add_directory("预算")
    b.add_bytes(SEED_002, "预算/002.txt", mtime=1700000000)
    b.add_bytes(SEED_003, "决算/003.txt", mtime=1700000000)
    b.write(str(OUT / "county_rar5_solid.rar"))


def renamed(data, old, new):
    """A RAR 2.9 archive's bytes with file name `old` set to `new` (the same
    length) and its header's CRC set again."""
    assert len(old) == len(new)
    data = bytearray(data)
    at = data.index(old)
    data[at : at + len(new)] = new
    # The file header holding the name: type 0x74 at offset 2.
    start = data.rindex(b"\x74", 0, at) - 2
    flags, size = struct.unpack_from("<HH", data, start + 3)
    assert flags & 0x200 == 0, "the writer stored a Unicode name"
    crc = zlib.crc32(bytes(data[start + 2 : start + size])) & 0xFFFF
    struct.pack_into("<H", data, start, crc)
    return bytes(data)


def rar4_gbk():
    gbk = "预算".encode("gbk")
    placeholder = b"X" * len(gbk)
    b = rars.RarBuilder(format="rar29")
    b.add_bytes(SEED_002, placeholder.decode() + "\\002.txt", mtime=1700000000)
    data = renamed(b.to_bytes(), placeholder + b"\\002.txt", gbk + b"\\002.txt")
    (OUT / "county_rar4_gbk.rar").write_bytes(data)


def solid_link():
    b = rars.RarBuilder(format="rar50", solid=True)
    b.add_bytes(b"first", "a.txt", mtime=1700000000)
    b.add_unix_symlink("link", b"a.txt")
    b.add_bytes(b"second", "b.txt", mtime=1700000000)
    b.write(str(OUT / "solid_link_rar5.rar"))


def encrypted():
    # Two files of one name, both encrypted.
    b = rars.RarBuilder(format="rar29", password="secret")
    b.add_bytes(b"hidden", "a.txt", mtime=1700000000)
    b.add_bytes(b"hidden too", "b.txt", mtime=1700000000)
    data = renamed(b.to_bytes(), b"b.txt", b"a.txt")
    (OUT / "encrypted_rar4.rar").write_bytes(data)
    b = rars.RarBuilder(format="rar50", password="secret", encrypt_headers=True)
    b.add_bytes(b"hidden", "a.txt", mtime=1700000000)
    b.write(str(OUT / "encrypted_names_rar5.rar"))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    rar5_solid()
    rar4_gbk()
    solid_link()
    encrypted()
    for path in sorted(OUT.glob("*.rar")):
        archive = rars.RarFile(str(path)) if "names" not in path.name else None
        names = [i.filename for i in archive.infolist()] if archive else "(encrypted)"
        print(path.name, path.stat().st_size, names)
