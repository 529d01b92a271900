#!/usr/bin/env python3
"""Independent reader of the `secrets` sealed-file format (docs/FORMAT.md), using only the
`cryptography` package. It proves the spec is complete and is the break-glass path when the
`secrets` binary is unavailable.

  open_sealed.py --repo DIR --data-key-file F   .encrypted/PATH  > plaintext
  open_sealed.py --repo DIR --local-master-key F .encrypted/PATH > plaintext

--data-key-file takes the raw 32-byte data key, or its base64 text as printed by
`aws kms decrypt ... --output text --query Plaintext`. Exit codes: 0 opened, 1 refused, 2 usage.
"""
import argparse, base64, hashlib, hmac, json, os, struct, sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.exceptions import InvalidTag

MAGIC = b"SECRETS"
VERSION = 1
SUITE = 1
FRAME = 65536
HEADER = 142
TAG = 16


class SealedError(Exception):
    """A refusal; `.kind` is the failure class of docs/FORMAT.md 1.1."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}{': ' + detail if detail else ''}")
        self.kind = kind


def path_digest(path):
    return hashlib.sha256(b"secrets/v1/path\x00" + path.encode("utf-8", "surrogateescape")).digest()


def derive(data_key, file_id, label):
    return HKDF(algorithm=hashes.SHA512(), length=32, salt=file_id,
                info=label + struct.pack(">H", SUITE)).derive(data_key)


def nonce(seq):
    return b"\x00" * 8 + struct.pack(">I", seq)


def frame_aad(file_id, final, seq, length):
    return file_id + bytes([1 if final else 0]) + struct.pack(">IQ", seq, length)


def open_sealed(data, data_key, repo_id, path):
    """Returns the plaintext of sealed bytes `data`, or raises SealedError."""
    if len(data) < len(MAGIC):
        raise SealedError("truncated" if data and MAGIC.startswith(data) else "bad_magic")
    if data[:7] != MAGIC:
        raise SealedError("bad_magic")
    if len(data) < 8:
        raise SealedError("truncated")
    if data[7] != VERSION:
        raise SealedError("unsupported_version", str(data[7]))
    if len(data) < HEADER:
        raise SealedError("truncated")
    suite, frame_len = struct.unpack(">HI", data[8:14])
    if suite != SUITE or frame_len != FRAME:
        raise SealedError("malformed_header")
    h_repo, h_path, file_id, commitment, h_tag = (data[14:30], data[30:62], data[62:94], data[94:126], data[126:142])
    if h_repo != repo_id:
        raise SealedError("wrong_repository")
    if h_path != path_digest(path):
        raise SealedError("wrong_path")
    key = derive(data_key, file_id, b"secrets/v1/key")
    if not hmac.compare_digest(derive(data_key, file_id, b"secrets/v1/commit"), commitment):
        raise SealedError("commitment_mismatch")
    gcm = AESGCM(key)
    try:
        gcm.decrypt(nonce(0), h_tag, data[:126])
    except InvalidTag:
        raise SealedError("authentication_failed", "header")
    out, pos, seq = [], HEADER, 1
    while True:
        chunk = data[pos:pos + FRAME + TAG]
        if len(chunk) < TAG:
            raise SealedError("truncated")
        final = len(chunk) < FRAME + TAG
        length = len(chunk) - TAG
        try:
            out.append(gcm.decrypt(nonce(seq), chunk, frame_aad(file_id, final, seq, length)))
        except InvalidTag:
            raise SealedError("authentication_failed", f"frame {seq}")
        pos += len(chunk)
        if final:
            break
        seq += 1
    if pos != len(data):
        raise SealedError("trailing_data")
    return b"".join(out)


def canonical_context(ctx):
    out = b""
    for k in sorted(ctx, key=lambda s: s.encode()):
        kb, vb = k.encode(), ctx[k].encode()
        out += struct.pack(">I", len(kb)) + kb + struct.pack(">I", len(vb)) + vb
    return out


def unwrap_local(blob, master_key, name, context):
    """docs/FORMAT.md section 3."""
    if len(blob) != 64 or blob[:4] != b"SLK1":
        raise SealedError("bad_wrapped_key")
    aad = b"secrets/v1/local-wrap\x00" + name.encode() + b"\x00" + canonical_context(context)
    try:
        return AESGCM(master_key).decrypt(blob[4:16], blob[16:], aad)
    except InvalidTag:
        raise SealedError("key_unwrap_failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", required=True, help="repository root (holds .key/ and .encrypted/)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data-key-file", help="raw or base64 data key")
    src.add_argument("--local-master-key", help="master key file of a local:NAME repo")
    ap.add_argument("sealed", help="a file under .encrypted/")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    args = ap.parse_args()
    try:
        config = json.load(open(os.path.join(args.repo, ".key", "config.json")))
        if config.get("version") != 1:
            raise SealedError("unsupported_config_version")
        repo_id = bytes.fromhex(config["repoId"])
        if args.data_key_file:
            raw = open(args.data_key_file, "rb").read()
            data_key = raw if len(raw) == 32 else base64.b64decode(raw.strip())
        else:
            name = config["keyId"].split(":", 1)[1]
            blob = open(os.path.join(args.repo, ".key", "ciphertext_blob"), "rb").read()
            data_key = unwrap_local(blob, open(args.local_master_key, "rb").read(), name, config["encryptionContext"])
        root = os.path.realpath(os.path.join(args.repo, ".encrypted"))
        rel = os.path.relpath(os.path.realpath(args.sealed), root)
        if rel.startswith(".."):
            raise SealedError("not_under_encrypted")
        plaintext = open_sealed(open(args.sealed, "rb").read(), data_key, repo_id, rel.replace(os.sep, "/"))
    except SealedError as e:
        print(f"open_sealed: error: {args.sealed}: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:
        print(f"open_sealed: error: {e}", file=sys.stderr)
        return 1
    if args.output:
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(plaintext)
    else:
        sys.stdout.buffer.write(plaintext)
    return 0


if __name__ == "__main__":
    sys.exit(main())
