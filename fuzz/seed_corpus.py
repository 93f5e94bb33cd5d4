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


# fuzz_server_handler: frames written in Cap'n Proto's text form and encoded by the capnp tool; a
# frame is the encoding's single segment (spec §6.9), without the 8-byte segment table.
SERVER_FRAMES = {
    "upload-prekeys": "(protocolVersion = 1, requestId = 1, body = (uploadPreKeys = (signedPreKey = (id = 1, "
                      "publicKey = 0x\"05" + "11" * 32 + "\", signature = 0x\"" + "22" * 64 + "\"), oneTimePreKeys = "
                      "[(id = 5, publicKey = 0x\"05" + "33" * 32 + "\")])))",
    "fetch-prekeys": "(protocolVersion = 1, requestId = 2, body = (fetchPreKeys = (accountId = 2)))",
    "send-to-bob": "(protocolVersion = 1, requestId = 3, body = (send = (clientMessageId = 9, destinationAccount = 2, "
                   "ciphertexts = [(deviceId = 1, incarnation = 2, ciphertext = 0x\"abcdef\")])))",
    "send-to-self": "(protocolVersion = 1, requestId = 4, body = (send = (clientMessageId = 10, destinationAccount = 1, "
                    "ciphertexts = [(deviceId = 1, incarnation = 1, ciphertext = 0x\"01\")])))",
    "ack": "(protocolVersion = 1, requestId = 0, body = (ack = (serverId = 2)))",
    "get-device-list": "(protocolVersion = 1, requestId = 5, body = (getDeviceList = (accountId = 1)))",
    "put-device-list": "(protocolVersion = 1, requestId = 6, body = (putDeviceList = (accountId = 1, "
                       "signedList = 0x\"0102\", version = 3)))",
    "blob-upload": "(protocolVersion = 1, requestId = 7, body = (blobUpload = (contentHash = 0x\"" + "44" * 32 +
                   "\", offset = 0, totalSize = 4, data = 0x\"00010203\")))",
    "blob-download": "(protocolVersion = 1, requestId = 8, body = (blobDownload = (contentHash = 0x\"" + "44" * 32 +
                     "\", offset = 0, length = 4)))",
    "login": "(protocolVersion = 1, requestId = 9, body = (login = (accountId = 2, deviceId = 1)))",
    "receipt": "(protocolVersion = 1, requestId = 10, body = (receipt = (peerAccount = 2, peerDevice = 1, body = 0x\"00\")))",
    "server-frame": "(protocolVersion = 1, requestId = 11, body = (queueEmpty = void))",
    "link-device": "(protocolVersion = 1, requestId = 12, body = (linkDevice = (identityKey = 0x\"05" + "55" * 32 +
                   "\", noiseStaticKey = 0x\"" + "66" * 32 + "\", noiseKeySignature = 0x\"" + "77" * 64 +
                   "\", registrationId = 3)))",
    "remove-device": "(protocolVersion = 1, requestId = 13, body = (removeDevice = (deviceId = 2)))",
}


def server_handler_seeds():
    import subprocess
    frames = {}
    for name, text in SERVER_FRAMES.items():
        encoded = subprocess.run(["capnp", "encode", "-I/usr/include", str(ROOT / "spec" / "wire" / "frames.capnp"),
                                  "Frame"], input=text.encode(), capture_output=True, check=True).stdout
        frames[name] = encoded[8:]
    record = lambda f: len(f).to_bytes(2, "big") + f
    for name, frame in frames.items():
        write("fuzz_server_handler", f"frame-{name}", record(frame))
    write("fuzz_server_handler", "send-ack-fetch", b"".join(record(frames[n]) for n in
                                                            ("send-to-self", "ack", "send-to-bob", "fetch-prekeys")))
    write("fuzz_server_handler", "everything", b"".join(record(f) for f in frames.values()))


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


# noise-c's tests/vector/noise-c-fallback.txt @68f4095dee80, its first vector (also in
# conformance/tests/verifiers_test.cpp): Noise_XXfallback_25519_ChaChaPoly_BLAKE2s, prologue
# "Prologue123", the cacophony keys. Alice's IK message to a stale responder key, which Bob cannot
# decrypt, and her reply to his XXfallback message.
NOISE_C_FALLBACK_IK_MESSAGE = bytes.fromhex(
    "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944aea61f2c1efc2d9700814dc96a8d8fba4351274cc18ef3"
    "cdf9aa8488c631200600a2e13226dabd61a6ee54f294d3275a4d760796d51f12d27c25fad320cbea15db09f78f3125d390ddc0c791f20b"
    "6387")
NOISE_C_FALLBACK_REPLY = bytes.fromhex(
    "01b3fe36dbc8e08d4d5407b7e4aafcb6d4b670dec1a8eb50816eebf94964ea713cdc8954d82be8e24a6821dc8dd45556ab69a29474571b"
    "0d8ba936386b6a72b514ac45b8df99b8f70ba02f")

NOISE_HASHES = ["SHA256", "SHA512", "BLAKE2s", "BLAKE2b"]
NOISE_MODE_IK = 8
NOISE_MODE_NOISE_C_PROLOGUE = 16


def noise_mode(protocol_name):
    """fuzz_noise_responder's mode byte for a Noise_<XX|IK>_25519_<cipher>_<hash> name."""
    _, pattern, _, cipher, hash_name = protocol_name.split("_")
    return (NOISE_HASHES.index(hash_name) | (4 if cipher == "ChaChaPoly" else 0) |
            (NOISE_MODE_IK if pattern == "IK" else 0))


def responder_seed(mode, first, rest=b""):
    return bytes([mode]) + len(first).to_bytes(2, "big") + first + rest


def noise_responder_seeds(vectors):
    """fuzz_noise_responder: mode byte (see the target), 2-byte length, first message, rest.

    From the cacophony vectors: XX's first and third messages, so the real third message decrypts,
    and IK's first message; noise-c's fallback vector for an IK message Bob cannot decrypt followed
    by Alice's XXfallback reply; and broken messages."""
    noise = json.loads((vectors / "noise-cacophony.json").read_text())["vectors"]
    for vector in noise:
        name = vector["protocol_name"]
        if not name.startswith(("Noise_XX_", "Noise_IK_")):
            continue
        first = bytes.fromhex(vector["messages"][0]["ciphertext"])
        suite = name.removeprefix("Noise_XX_25519_").removeprefix("Noise_IK_25519_")
        if name.startswith("Noise_XX_"):
            third = bytes.fromhex(vector["messages"][2]["ciphertext"])
            write("fuzz_noise_responder", f"cacophony-{suite}", responder_seed(noise_mode(name), first, third))
        else:
            write("fuzz_noise_responder", f"cacophony-IK-{suite}", responder_seed(noise_mode(name), first))
            if suite == "AESGCM_SHA256":  # a bad tag: the fallback path, with an arbitrary reply
                tampered = first[:-1] + bytes([first[-1] ^ 1])
                write("fuzz_noise_responder", "ik-bad-tag-fallback", responder_seed(noise_mode(name), tampered, bytes(64)))
    fallback_mode = noise_mode("Noise_IK_25519_ChaChaPoly_BLAKE2s") | NOISE_MODE_NOISE_C_PROLOGUE
    write("fuzz_noise_responder", "noise-c-fallback",
          responder_seed(fallback_mode, NOISE_C_FALLBACK_IK_MESSAGE, NOISE_C_FALLBACK_REPLY))
    write("fuzz_noise_responder", "empty-first", b"\x00\x00\x00")
    write("fuzz_noise_responder", "short-first", b"\x00\x00\x1f" + bytes(31))
    write("fuzz_noise_responder", "zero-ephemeral", b"\x00\x00\x20" + bytes(32) + bytes(64))
    write("fuzz_noise_responder", "ik-zero-ephemeral", responder_seed(NOISE_MODE_IK, bytes(96)))


# fuzz_noise_transport's ops (see the target).
GENUINE, GENUINE_OWNING, FORGED, TAMPERED, REPLAY, REKEY = 0, 1, 2, 3, 4, 5


def record(op, body):
    return bytes([op]) + len(body).to_bytes(2, "little") + body


def chunks(frame, parts=1):
    """The frame in `parts` chunks of about equal size, as spec §6.9 lays them out."""
    step = -(-len(frame) // parts)
    pieces = [frame[i:i + step] for i in range(0, len(frame), step)]
    out = []
    for i, piece in enumerate(pieces):
        flags = (1 if i == 0 else 0) | (2 if i + 1 < len(pieces) else 0)
        header = bytes([flags]) + (len(frame).to_bytes(4, "little") if i == 0 else b"")
        out.append(header + piece)
    return out


def noise_transport_seeds():
    """fuzz_noise_transport: mode byte, then op records; frames from fuzz_frames' frame seeds."""
    frames = {name: (CORPUS / "fuzz_frames" / name).read_bytes()
              for name in ("frame-send", "frame-queue-empty", "frame-error-device-mismatch", "frame-version-2")}
    send = frames["frame-send"]

    def genuine(frame, parts=1, op=GENUINE):
        return b"".join(record(op, c) for c in chunks(frame, parts))

    for name, frame in frames.items():
        write("fuzz_noise_transport", name, b"\x00" + genuine(frame))
    write("fuzz_noise_transport", "frame-send-chachapoly", b"\x01" + genuine(send))
    write("fuzz_noise_transport", "frame-send-three-chunks-owning", b"\x00" + genuine(send, 3, GENUINE_OWNING))
    write("fuzz_noise_transport", "forgeries-between-chunks",
          b"\x00" + record(FORGED, bytes(48)) + record(GENUINE, chunks(send, 2)[0]) +
          record(TAMPERED, b"\x07\x00" + chunks(send, 2)[1]) + record(REPLAY, b"") +
          record(FORGED, b"") + record(GENUINE, chunks(send, 2)[1]))
    write("fuzz_noise_transport", "rekey-between-frames",
          b"\x01" + genuine(frames["frame-queue-empty"]) + record(REKEY, b"") + record(REPLAY, b"") +
          genuine(send, 2))
    write("fuzz_noise_transport", "bad-chunk-then-frame",
          b"\x00" + record(GENUINE, b"\x02" + send[:10]) + record(GENUINE, b"\x04\x01") + genuine(send))
    write("fuzz_noise_transport", "empty", b"")


# fuzz_link_offer and fuzz_device_list: the committed device-link vectors (spec §8): a real offer,
# approval, confirmation and signed list, and near misses of them.
def device_seeds():
    link = json.loads((ROOT / "spec" / "vectors" / "device-link.json").read_text())["cases"][0]
    write("fuzz_link_offer", "offer", b"\x00" + link["qr_text"].encode())
    write("fuzz_link_offer", "offer-version-2", b"\x00" + link["qr_text"].replace(":1:", ":2:", 1).encode())
    write("fuzz_link_offer", "offer-lower-case", b"\x00" + link["qr_text"].lower().encode())
    write("fuzz_link_offer", "approval", b"\x01" + bytes.fromhex(link["approval"]))
    write("fuzz_link_offer", "confirmation", b"\x02" + bytes.fromhex(link["signed_identity"]))
    write("fuzz_device_list", "signed-list", bytes.fromhex(link["signed_device_list"]))
    write("fuzz_device_list", "unsigned-list", bytes.fromhex(link["device_list"]))
    write("fuzz_device_list", "empty", b"")
    # fuzz_fanout: byte 0 names the account (0 ours, 1 the peer's), then b = 3 * id + list.
    write("fuzz_fanout", "peer-missing-extra-stale", bytes([1, 3 * 6 + 0, 3 * 5 + 1, 3 * 2 + 2]))
    write("fuzz_fanout", "own-stale", bytes([0, 3 * 3 + 2]))
    write("fuzz_fanout", "contradiction", bytes([1, 3 * 2 + 0]))


# fuzz_fingerprint: the scannable codes of the committed fingerprint vectors (spec §8.7), each
# pair's two codes and every scanned case's bytes (a match, wrong versions, truncated, garbage).
def fingerprint_seeds():
    cases = json.loads((ROOT / "spec" / "vectors" / "fingerprint.json").read_text())["cases"]
    for case in cases:
        if case["kind"] == "pair":
            write("fuzz_fingerprint", case["id"] + "-local", bytes.fromhex(case["local_scannable"]))
            write("fuzz_fingerprint", case["id"] + "-remote", bytes.fromhex(case["remote_scannable"]))
        else:
            write("fuzz_fingerprint", case["id"], bytes.fromhex(case["scanned"]))
    code = bytes.fromhex(cases[0]["remote_scannable"])
    write("fuzz_fingerprint", "version-300", code[:1] + b"\xac\x02" + code[2:])
    write("fuzz_fingerprint", "version-1-non-minimal", code[:1] + b"\x81\x00" + code[2:])


# fuzz_content: Contents written in Cap'n Proto's text form and encoded by the capnp tool (the
# single-segment stream form of spec §5.7), padded as a sender pads them, and device ciphertexts.
CONTENTS = {
    "media-image": "(version = 1, messageId = 13, timestampMs = 1900000000004, body = (media = (type = \"image\", mimeType = \"image/jpeg\", fileName = \"a.jpg\", fileLength = 70000, mediaKey = 0x\"1111111111111111111111111111111111111111111111111111111111111111\", fileSha256 = 0x\"2222222222222222222222222222222222222222222222222222222222222222\", fileEncSha256 = 0x\"3333333333333333333333333333333333333333333333333333333333333333\", caption = \"hi\", width = 4, height = 3, streamingSidecar = 0x\"4444444444444444444444444444444444444444\", thumbnailJpeg = 0x\"ffd8ffd9\")))",
    "media-copy-for-own-device": "(version = 1, messageId = 14, timestampMs = 0, body = (sentToOwnDevice = "
                                 "(destinationAccount = 20, media = (type = \"image\", mimeType = \"image/jpeg\", fileName = \"a.jpg\", fileLength = 70000, mediaKey = 0x\"1111111111111111111111111111111111111111111111111111111111111111\", fileSha256 = 0x\"2222222222222222222222222222222222222222222222222222222222222222\", fileEncSha256 = 0x\"3333333333333333333333333333333333333333333333333333333333333333\", caption = \"hi\", width = 4, height = 3, streamingSidecar = 0x\"4444444444444444444444444444444444444444\", thumbnailJpeg = 0x\"ffd8ffd9\"))))",
    "media-path-as-name": "(version = 1, messageId = 15, timestampMs = 0, body = (media = (type = \"document\", "
                          "fileName = \"../x\", mediaKey = 0x\"0000000000000000000000000000000000000000000000000000000000000000\", fileSha256 = 0x\"0000000000000000000000000000000000000000000000000000000000000000\", "
                          "fileEncSha256 = 0x\"0000000000000000000000000000000000000000000000000000000000000000\")))",
    "text": "(version = 1, messageId = 7, timestampMs = 1900000000000, body = (text = \"hello\"))",
    "sent-to-own-device": "(version = 1, messageId = 8, timestampMs = 1900000000001, "
                          "body = (sentToOwnDevice = (destinationAccount = 20, text = \"hi\")))",
    "version-2": "(version = 2, messageId = 9, timestampMs = 0, body = (text = \"\"))",
    "receipt-delivered": "(version = 1, messageId = 10, timestampMs = 1900000000002, body = (receipt = "
                         "(type = delivered, chat = 20, marks = [(senderDevice = 1, messageId = 7), "
                         "(senderDevice = 2, messageId = 9)])))",
    "receipt-read": "(version = 1, messageId = 11, timestampMs = 1900000000003, body = (receipt = "
                    "(type = read, chat = 20, marks = [(senderDevice = 1, messageId = 8)])))",
    "receipt-read-twice": "(version = 1, messageId = 12, timestampMs = 0, body = (receipt = "
                          "(type = read, chat = 20, marks = [(senderDevice = 1, messageId = 8), "
                          "(senderDevice = 1, messageId = 9)])))",
    "receipt-empty": "(version = 1, messageId = 13, timestampMs = 0, body = (receipt = (type = played, chat = 20)))",
}


def content_seeds():
    import subprocess
    for name, text in CONTENTS.items():
        encoded = subprocess.run(["capnp", "encode", "-I/usr/include", str(ROOT / "spec" / "wire" / "content.capnp"),
                                  "Content"], input=text.encode(), capture_output=True, check=True).stdout
        write("fuzz_content", "content-" + name, encoded)
        write("fuzz_content", "padded-" + name, encoded + bytes([3, 3, 3]))
    write("fuzz_content", "prekey-ciphertext", b"\x03" + bytes(40))
    write("fuzz_content", "whisper-ciphertext", b"\x02" + bytes(40))
    write("fuzz_content", "empty", b"")


# fuzz_client_engine: operations of [request id][kind][the kind's bytes] (the target's header). The
# deliveries are indexed in the order Bob got them: 0 and 1 prekey messages, 2.. whisper messages.
def client_engine_seeds():
    deliver = lambda index, how=0, *rest: bytes([0, 0, index, how, *rest])
    write("fuzz_client_engine", "every-delivery", b"".join(deliver(i) for i in range(5)))
    write("fuzz_client_engine", "deliveries-backwards", b"".join(deliver(i) for i in reversed(range(5))))
    write("fuzz_client_engine", "flipped-whisper", deliver(3, 1, 9, 0, 0, 0, 2))
    write("fuzz_client_engine", "prekey-from-device-4", deliver(0, 4, 4))
    write("fuzz_client_engine", "whisper-from-own-account", deliver(2, 8, 1))
    write("fuzz_client_engine", "truncated-prekey", deliver(0, 2, 20, 0, 0, 0))
    write("fuzz_client_engine", "list-then-bundles", bytes([1, 2, 0, 0, 0, 0, 2, 3, 0, 0, 0]))
    write("fuzz_client_engine", "retry-requests", b"".join(bytes([0, 5, 1, 1, i, 0, 0, 0, 0, 0, 0, 0, 2, 1]) for i in range(4)))
    write("fuzz_client_engine", "errors", b"".join(bytes([r, 6, code, 0]) for r in range(1, 6) for code in (3, 4, 10, 2)))
    write("fuzz_client_engine", "bob-writes-and-time-passes",
          bytes([0, 10, 0, 0, 11]) + (3 * 24 * 3600 * 1000).to_bytes(8, "little") + bytes([0, 10, 1, 0, 10, 2, 1]))


def media_file_seeds():
    """fuzz_media_file: mode byte, piece size - 1, then the file (or the ciphertext to seal)."""
    for name, mode, piece, body in [
        ("plain-short", 0, 0, bytes(10)),
        ("rehashed-one-block-and-mac", 1, 3, bytes(range(26))),
        ("sealed-one-block", 2, 15, bytes(16)),
        ("sealed-odd-length", 2, 6, bytes(17)),
        ("sealed-three-blocks", 3, 255, bytes(range(48))),
        ("sealed-empty", 2, 0, b""),
    ]:
        write("fuzz_media_file", name, bytes([mode, piece]) + body)


def media_sidecar_seeds():
    """fuzz_media_sidecar: file length (8, BE), chunk index (4), entries (1), sidecar, window.
    The valid seeds carry the right HMAC under the target's key (32 bytes of 0x24)."""
    import hmac, hashlib
    key = bytes([0x24]) * 32

    def seed(name, enc_length, n, window, entries=None, valid=True):
        count = (16 + enc_length + 65535) // 65536
        entries = count if entries is None else entries
        sidecar = bytearray(10 * entries)
        if valid and n < entries:
            sidecar[10 * n:10 * n + 10] = hmac.new(key, window, hashlib.sha256).digest()[:10]
        write("fuzz_media_sidecar", name,
              enc_length.to_bytes(8, "big") + n.to_bytes(4, "big") + bytes([entries]) + bytes(sidecar) + window)

    seed("one-window-valid", 26, 0, bytes(range(42)))
    seed("second-window-valid", 70026, 1, bytes(70026 - 65520))
    seed("window-too-short", 26, 0, bytes(41))
    seed("index-past-the-end", 26, 1, bytes(42))
    seed("huge-length", (1 << 64) - 1, 0xffffffff, b"", entries=255, valid=False)


def sender_key_seeds(vectors):
    """fuzz_sender_key: mode byte, then a message from libsignal's recorded sender-key conversation."""
    steps = json.loads((vectors / "signal-sender-key.json").read_text())["cases"][0]["steps"]
    skdm = bytes.fromhex(steps[0]["distribution_message"])
    record = bytes.fromhex(steps[-1]["record"])
    messages = [bytes.fromhex(s["message"]) for s in steps if s["op"] == "encrypt"]
    write("fuzz_sender_key", "distribution", b"\x00" + skdm)
    write("fuzz_sender_key", "distribution-key-type-6", b"\x00" + skdm[:-33] + b"\x06" + skdm[-32:])
    write("fuzz_sender_key", "distribution-truncated", b"\x00" + skdm[:64])
    write("fuzz_sender_key", "message", b"\x01" + messages[0])
    write("fuzz_sender_key", "message-version-2", b"\x01\x23" + messages[0][1:])
    for i in (0, 3, 4):
        write("fuzz_sender_key", "receive-m%d" % i, b"\x02" + messages[i])
    write("fuzz_sender_key", "receive-flipped-ciphertext", b"\x02" + messages[1][:-65] + bytes([messages[1][-65] ^ 1]) + messages[1][-64:])
    write("fuzz_sender_key", "record", b"\x03" + record)
    write("fuzz_sender_key", "sender-record", b"\x03" + bytes.fromhex(steps[0]["sender_record"]))


def main():
    vectors = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "external"
    vector_reader_seeds(vectors)
    xeddsa_seeds(vectors)
    hex_seeds()
    noise_responder_seeds(vectors)
    noise_transport_seeds()
    channel_server_seeds()
    server_handler_seeds()
    device_seeds()
    fingerprint_seeds()
    media_file_seeds()
    media_sidecar_seeds()
    content_seeds()
    client_engine_seeds()
    sender_key_seeds(vectors)


if __name__ == "__main__":
    main()
