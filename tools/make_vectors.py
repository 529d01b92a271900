#!/usr/bin/env python3
"""Writes Tests/EnvelopeTests/Vectors from docs/FORMAT.md alone (an independent writer), with
fixed keys and file ids so the output is reproducible. Run: python3 tools/make_vectors.py"""
import hashlib, json, os, struct, sys

sys.path.insert(0, os.path.dirname(__file__))
from open_sealed import (FRAME, HEADER, MAGIC, SUITE, TAG, VERSION, AESGCM, derive, frame_aad,
                         nonce, open_sealed, path_digest, SealedError)

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EnvelopeTests", "Vectors")
DATA_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
REPO = bytes.fromhex("00112233445566778899aabbccddeeff")
OTHER_REPO = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def seal(plaintext, path, file_id, data_key=DATA_KEY, repo=REPO):
    key = derive(data_key, file_id, b"secrets/v1/key")
    gcm = AESGCM(key)
    head = MAGIC + bytes([VERSION]) + struct.pack(">HI", SUITE, FRAME) + repo + path_digest(path) + file_id
    head += derive(data_key, file_id, b"secrets/v1/commit")
    head += gcm.encrypt(nonce(0), b"", head)
    body, seq, pos = b"", 1, 0
    while True:
        chunk = plaintext[pos:pos + FRAME]
        final = len(chunk) < FRAME
        body += gcm.encrypt(nonce(seq), chunk, frame_aad(file_id, final, seq, len(chunk)))
        pos += len(chunk)
        if final:
            return head + body
        seq += 1


def pattern(n):
    return bytes((i * 7 + 3) % 251 for i in range(n))


def main():
    os.makedirs(OUT, exist_ok=True)
    vectors = []

    def add(name, data, expect, path="config/app.json", key=DATA_KEY, repo=REPO, plaintext=None):
        with open(os.path.join(OUT, name + ".sealed"), "wb") as f:
            f.write(data)
        v = {"name": name, "file": name + ".sealed", "dataKey": key.hex(), "repoId": repo.hex(), "path": path}
        if expect == "ok":
            v["plaintextSha256"] = hashlib.sha256(plaintext).hexdigest()
            v["plaintextLength"] = len(plaintext)
        else:
            v["error"] = expect
        # The generator checks its own vectors with the reader before writing them.
        try:
            got = open_sealed(data, key, repo, path)
            assert expect == "ok" and got == plaintext, name
        except SealedError as e:
            assert e.kind == expect, (name, e.kind)
        vectors.append(v)

    fid = lambda n: bytes([n]) * 32
    small = b'{"db_password": "correct horse battery staple"}\n'
    add("valid-empty", seal(b"", "empty.txt", fid(1)), "ok", path="empty.txt", plaintext=b"")
    add("valid-small", seal(small, "config/app.json", fid(2)), "ok", plaintext=small)
    exact = pattern(FRAME)
    add("valid-exact-frame", seal(exact, "big/exact.bin", fid(3)), "ok", path="big/exact.bin", plaintext=exact)
    three = pattern(2 * FRAME + 10)
    add("valid-three-frames", seal(three, "big/three.bin", fid(4)), "ok", path="big/three.bin", plaintext=three)
    uni = "caf\u00e9 files/-dash \u2603.env"
    add("valid-unicode-path", seal(b"K=V\n", uni, fid(5)), "ok", path=uni, plaintext=b"K=V\n")

    good = seal(small, "config/app.json", fid(6))
    add("bad-magic", b"Salted__" + good[8:], "bad_magic")
    add("unsupported-version", good[:7] + b"\x02" + good[8:], "unsupported_version")
    add("malformed-header", good[:8] + b"\x00\x02" + good[10:], "malformed_header")
    add("truncated-header", good[:100], "truncated")
    add("wrong-repository", good, "wrong_repository", repo=OTHER_REPO)
    add("wrong-path", good, "wrong_path", path="config/other.json")
    add("commitment-mismatch", good, "commitment_mismatch", key=OTHER_KEY)
    # Rewrite the repo id and claim the new one: only the header tag can catch it.
    edited = good[:14] + OTHER_REPO + good[30:]
    add("header-tampered", edited, "authentication_failed", repo=OTHER_REPO)
    flipped = bytearray(good); flipped[HEADER + 3] ^= 1
    add("body-tampered", bytes(flipped), "authentication_failed")
    add("trailing-data", good + b"\x00", "authentication_failed")
    big = seal(three, "big/three.bin", fid(7))
    f1 = big[HEADER:HEADER + FRAME + TAG]; f2 = big[HEADER + FRAME + TAG:HEADER + 2 * (FRAME + TAG)]
    add("reordered-frames", big[:HEADER] + f2 + f1 + big[HEADER + 2 * (FRAME + TAG):], "authentication_failed", path="big/three.bin")
    add("truncated-at-frame-boundary", big[:HEADER + FRAME + TAG], "truncated", path="big/three.bin")
    add("truncated-mid-frame", big[:HEADER + FRAME + TAG + 1000], "authentication_failed", path="big/three.bin")
    add("final-frame-dropped", big[:HEADER + 2 * (FRAME + TAG)], "truncated", path="big/three.bin")

    with open(os.path.join(OUT, "vectors.json"), "w") as f:
        json.dump({"format": 1, "vectors": vectors}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
