#!/usr/bin/python3
"""Independent check of a Hukumati enrollment bundle, with none of the project's code.

Reads the plaintext of a sealed bundle (decrypted beforehand by the `age` command-line tool),
parses it with cbor2, verifies the COSE_Sign signatures (RFC 9052 Sig_structure, EdDSA) with
PyNaCl against the keys in signers.json, checks every payload's length and SHA-256, checks that
the manifest is in deterministic encoding, and optionally writes out the JPEG 2000 images found in
the ISO/IEC 19794 records so that another decoder can read them.

Usage: verify_bundle.py PLAINTEXT SIGNERS_JSON [--extract DIR] [--decision DECISION_COSE]
Prints a JSON summary; exits 1 on any failure.
"""
import hashlib
import io
import json
import os
import sys

import cbor2
import nacl.signing
import nacl.exceptions

COSE_SIGN = 98
COSE_SIGN1 = 18
ALG_EDDSA = -8


def fail(msg):
    print(json.dumps({"ok": False, "error": msg}))
    sys.exit(1)


def read_sequence(data):
    """Decodes an RFC 8742 CBOR sequence into a list of items."""
    stream = io.BytesIO(data)
    items = []
    while stream.tell() < len(data):
        items.append(cbor2.CBORDecoder(stream).decode())
    return items


def verify_sig(key_hex, protected_body, protected_sig, payload, signature, label):
    if protected_sig is None:
        structure = ["Signature1", protected_body, b"", payload]
    else:
        structure = ["Signature", protected_body, protected_sig, b"", payload]
    to_be_signed = cbor2.dumps(structure)
    try:
        nacl.signing.VerifyKey(bytes.fromhex(key_hex)).verify(to_be_signed, signature)
    except nacl.exceptions.BadSignatureError:
        fail(f"{label} signature does not verify")


def jp2_of(record):
    start = record.find(b"\x00\x00\x00\x0cjP  \r\n\x87\n")
    return None if start < 0 else record[start:]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        fail(__doc__)
    plain = open(args[0], "rb").read()
    signers = json.load(open(args[1]))
    extract = args[args.index("--extract") + 1] if "--extract" in args else None
    decision_path = args[args.index("--decision") + 1] if "--decision" in args else None

    items = read_sequence(plain)
    first = items[0]
    if not isinstance(first, cbor2.CBORTag) or first.tag != COSE_SIGN:
        fail("first item is not a tagged COSE_Sign")
    body_protected, _unprotected, payload, signatures = first.value
    body_headers = cbor2.loads(body_protected)
    if body_headers.get(3) != "application/vnd.hukumati.manifest+cbor":
        fail("unexpected content type")
    manifest = cbor2.loads(payload)
    if cbor2.dumps(manifest, canonical=True) != payload:
        fail("manifest is not in deterministic encoding")
    if len(signatures) != 2:
        fail("expected two signatures")
    for (prot, unprot, sig), role in zip(signatures, ["station", "operator"]):
        if cbor2.loads(prot).get(1) != ALG_EDDSA:
            fail(f"{role}: algorithm is not EdDSA")
        declared = [s for s in manifest["signers"] if s["role"] == role][0]
        if declared["ed25519"].hex() != signers[role]:
            fail(f"{role}: manifest key differs from signers.json")
        if unprot.get(4) != declared["id"].encode():
            fail(f"{role}: kid differs from the signer id")
        verify_sig(signers[role], body_protected, prot, payload, sig, role)

    payloads = items[1:]
    if len(payloads) != len(manifest["payloads"]):
        fail(f"{len(payloads)} payload items, manifest lists {len(manifest['payloads'])}")
    for i, (blob, ref) in enumerate(zip(payloads, manifest["payloads"])):
        if not isinstance(blob, bytes) or len(blob) != ref["length"]:
            fail(f"payload {i}: wrong type or length")
        if hashlib.sha256(blob).digest() != ref["sha256"]:
            fail(f"payload {i}: SHA-256 mismatch")

    extracted = []
    if extract:
        os.makedirs(extract, exist_ok=True)
        for s in manifest["samples"]:
            if "payload" not in s:
                continue
            jp2 = jp2_of(payloads[s["payload"]])
            if jp2 is None:
                fail(f"{s['position']}: no JP2 in the record")
            path = os.path.join(extract, f"{s['position']}.jp2")
            open(path, "wb").write(jp2)
            extracted.append(path)

    decision = None
    if decision_path:
        tag = cbor2.loads(open(decision_path, "rb").read())
        if not isinstance(tag, cbor2.CBORTag) or tag.tag != COSE_SIGN1:
            fail("decision is not a tagged COSE_Sign1")
        prot, _unprot, dpayload, dsig = tag.value
        if cbor2.loads(prot).get(1) != ALG_EDDSA:
            fail("decision: algorithm is not EdDSA")
        verify_sig(signers["supervisor"], prot, None, dpayload, dsig, "supervisor")
        decision = cbor2.loads(dpayload)
        if decision["manifest_sha256"] != hashlib.sha256(payload).digest():
            fail("decision is bound to another manifest")
        decision = decision["verdict"]

    print(json.dumps({
        "ok": True,
        "bundle_id": manifest["bundle_id"],
        "schema": manifest["schema"],
        "payloads": len(payloads),
        "samples": len(manifest["samples"]),
        "extracted": extracted,
        "decision": decision,
    }))


if __name__ == "__main__":
    main()
