#!/usr/bin/env python3
"""Writes the committed seed corpora of fuzz/corpus/<target>/ from the external vectors.

    fuzz/seed_corpus.py [VECTOR_DIR]     (default: tests/data/external)

Seeds are named for what they hold, so a reader of the corpus sees what each one covers. The
script only (re)writes its own seeds; inputs added by hand or minimized from fuzzing stay.
Layouts follow the targets' header comments; keep the two in step.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# Small enough to keep the corpus in KBs; the large transcript and Noise files are represented by
# a trimmed Noise file below instead of full copies.
VECTOR_FILES = ["hkdf.json", "x25519.json", "xeddsa-verify.json", "xeddsa-sign.json",
                "signal-ratchet-kdf.json", "fingerprint.json"]

# noise-c's older format, with its fallback extension: the reader's second convention.
NOISE_C_FILE = (b'{"vectors": [{"name": "Noise_XXfallback_25519_AESGCM_SHA256", "pattern": "IK", '
                b'"dh": "25519", "cipher": "AESGCM", "hash": "SHA256", "fallback": true, '
                b'"init_prologue": "", "init_static": "00", "resp_static": null, '
                b'"messages": [{"payload": "", "ciphertext": "00"}]}]}')

MALFORMED_VECTOR_FILES = {
    "empty": b"",
    "not-json": b"type: hkdf\n",
    "truncated": b'{"type": "hkdf", "version": 1, "cases": [{"id": "a", "ikm": "0b0b',
    "array-root": b"[1, 2, 3]",
    "cases-not-array": b'{"type": "hkdf", "version": 1, "cases": {"id": "a"}}',
    "case-not-object": b'{"type": "hkdf", "version": 1, "cases": [1, "two", null, [3]]}',
    "version-string": b'{"type": "hkdf", "version": "1", "cases": []}',
    "version-negative": b'{"type": "hkdf", "version": -1, "cases": []}',
    "version-huge": b'{"type": "hkdf", "version": 1e400, "cases": []}',
    "type-missing": b'{"version": 1, "cases": [{"id": "a"}]}',
    "bad-hex": (b'{"type": "hkdf", "version": 1, "cases": [{"id": "odd", "ikm": "abc", "salt": "zz", '
                b'"info": "0G", "length": -42, "okm": null, "valid": "true", "n": 18446744073709551616}]}'),
    "mixed-types": (b'{"type": "xeddsa-verify", "version": 1, "cases": [{"id": 7, "public_key": 5, '
                    b'"message": true, "signature": ["00"], "valid": 1, "extra": {"nested": "00"}}]}'),
    "upper-hex-and-dup-keys": (b'{"type": "hkdf", "version": 1, "version": 2, "cases": [{"id": "a", '
                               b'"ikm": "0B0b", "ikm": "00", "length": 0}]}'),
    "invalid-utf8": b'{"type": "hkdf\xff\xfe", "version": 1, "cases": [{"id": "\xc3\x28", "ikm": "00"}]}',
    "escaped-keys": b'{"type": "hkdf", "version": 1, "cases": [{"id": "\\u0000", "\\u0000ikm": "00", "\\ud800": "11"}]}',
    "bom": b'\xef\xbb\xbf{"type": "hkdf", "version": 1, "cases": []}',
    "deep-nesting": b'{"type": "hkdf", "version": 1, "cases": [' + b"[" * 200 + b"]" * 200 + b"]}",
    "noise-empty-vectors": b'{"vectors": []}',
    "noise-vector-not-object": b'{"vectors": [null, 1, "x"]}',
}


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def vector_reader_seeds(vectors):
    for name in VECTOR_FILES:
        write("fuzz_vector_reader", name, (vectors / name).read_bytes())
    noise = json.loads((vectors / "noise-cacophony.json").read_text())
    noise["vectors"] = noise["vectors"][:1]
    write("fuzz_vector_reader", "noise-cacophony-first.json", (json.dumps(noise, indent=1) + "\n").encode())
    write("fuzz_vector_reader", "noise-c-fallback.json", NOISE_C_FILE)
    for name, data in MALFORMED_VECTOR_FILES.items():
        write("fuzz_vector_reader", "malformed-" + name, data)


def xeddsa_seeds(vectors):
    # verify mode: 0x00 | public key (33) | signature (64) | message
    for case in json.loads((vectors / "xeddsa-verify.json").read_text())["cases"]:
        data = b"\x00" + bytes.fromhex(case["public_key"]) + bytes.fromhex(case["signature"]) + \
            bytes.fromhex(case["message"])
        write("fuzz_xeddsa_verify", "verify-" + case["id"], data)
    first = json.loads((vectors / "xeddsa-verify.json").read_text())["cases"][0]
    key, sig, msg = (bytes.fromhex(first[f]) for f in ("public_key", "signature", "message"))
    write("fuzz_xeddsa_verify", "verify-bad-key-type", b"\x00" + b"\x08" + key[1:] + sig + msg)
    write("fuzz_xeddsa_verify", "verify-short-signature", b"\x00" + key + sig[:40])
    write("fuzz_xeddsa_verify", "verify-sign-bit-flipped", b"\x00" + key + sig[:63] + bytes([sig[63] ^ 0x80]) + msg)
    write("fuzz_xeddsa_verify", "verify-zero-key", b"\x00\x05" + bytes(32) + sig + msg)
    # sign mode: 0x01 | private key (32) | random (64) | flip selector (2) | message
    for case in json.loads((vectors / "xeddsa-sign.json").read_text())["cases"]:
        for selector in (b"\x00\x00", b"\x02\x00", b"\x03\x00"):  # a signature, key and message bit
            data = b"\x01" + bytes.fromhex(case["private_key"]) + bytes.fromhex(case["random"]) + selector + \
                bytes.fromhex(case["message"])
            write("fuzz_xeddsa_verify", f"sign-{case['id']}-flip-{selector.hex()}", data)
    write("fuzz_xeddsa_verify", "sign-empty-message", b"\x01" + bytes(range(32)) + bytes(64) + b"\x01\x17")


def channel_server_seeds():
    """fuzz_channel_server: case byte, slice byte, the client's whole byte stream of each
    noise-pipes vector case (handshake and transport), so fuzzing starts past the handshake."""
    pipes = json.loads((ROOT / "spec" / "vectors" / "noise-pipes.json").read_text())
    for index, case in enumerate(pipes["cases"]):
        stream = b"".join(bytes.fromhex(m["bytes"]) for m in case["messages"] if m["sender"] == "client")
        for slice_byte in (0xff, 0x06):
            write("fuzz_channel_server", f"{case['id']}-slice-{slice_byte + 1}", bytes([index, slice_byte]) + stream)
    write("fuzz_channel_server", "http-request", b"\x00\xff" + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    write("fuzz_channel_server", "header-then-fallback-kind", b"\x00\xff" + b"PRL\x01\x03\x00\x20" + bytes(32))


def hex_seeds():
    seeds = {
        "empty": b"",
        "lower": b"00ff10a0",
        "upper": b"DEADBEEF",
        "mixed": b"dEaDbEeF0123456789",
        "odd-length": b"abc",
        "non-hex": b"0g",
        "space": b"00 ff",
        "binary": bytes(range(256)),
    }
    for name, data in seeds.items():
        write("fuzz_hex", name, data)


def noise_responder_seeds(vectors):
    """fuzz_noise_responder: mode byte (cipher/hash as in the target), 2-byte length, message 1,
    message 3, taken from the cacophony XX vectors, so the real third message decrypts."""
    noise = json.loads((vectors / "noise-cacophony.json").read_text())["vectors"]
    for mode, vector in enumerate(v for v in noise if v["protocol_name"].startswith("Noise_XX_")):
        first = bytes.fromhex(vector["messages"][0]["ciphertext"])
        third = bytes.fromhex(vector["messages"][2]["ciphertext"])
        name = vector["protocol_name"].removeprefix("Noise_XX_25519_")
        write("fuzz_noise_responder", f"cacophony-{name}", bytes([mode]) + len(first).to_bytes(2, "big") + first + third)
    write("fuzz_noise_responder", "empty-first", b"\x00\x00\x00")
    write("fuzz_noise_responder", "short-first", b"\x00\x00\x1f" + bytes(31))
    write("fuzz_noise_responder", "zero-ephemeral", b"\x00\x00\x20" + bytes(32) + bytes(64))


def main():
    vectors = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "external"
    vector_reader_seeds(vectors)
    xeddsa_seeds(vectors)
    hex_seeds()
    noise_responder_seeds(vectors)
    channel_server_seeds()


if __name__ == "__main__":
    main()
