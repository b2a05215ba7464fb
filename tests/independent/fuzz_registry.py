#!/usr/bin/env python3
"""Fuzz the registry's intake from its OpenAPI description (schemathesis), as a station would
call it: every request signed with a request token made here, independently of the Rust code
(cbor2 and PyNaCl only), and the administrators' requests with their bearer token.

For each operation of docs/openapi.json, schemathesis generates valid and invalid requests
(paths, queries, headers, bodies); every answer must not be a server error, must have a status,
a content type and a body the description allows. Prints a JSON summary; exits 1 on any
failure.

usage: fuzz_registry.py --base URL --station ID --key SEED_HEX_FILE --admin-token FILE [--examples N]
"""

import argparse
import hashlib
import json
import os
import sys
import time

import cbor2
import hypothesis
import hypothesis.errors
import nacl.signing
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

# COSE (RFC 9052) and CWT (RFC 8392) numbers.
ALG, CONTENT_TYPE, KID = 1, 3, 4
EDDSA = -8
ISS, AUD, IAT, CTI = 1, 3, 6, 7
HTM, HTU, BODY = -65537, -65538, -65539


def cwt(station: str, key: nacl.signing.SigningKey, method: str, path: str, body: bytes | None) -> str:
    """`CWT <base64url>`: a COSE_Sign1 over the claims binding this one request."""
    claims = {ISS: station, AUD: "hukumati-registry", IAT: int(time.time()), CTI: os.urandom(16), HTM: method, HTU: path}
    if body is not None:
        claims[BODY] = hashlib.sha256(body).digest()
    payload = cbor2.dumps(claims)
    protected = cbor2.dumps({ALG: EDDSA, CONTENT_TYPE: "application/cwt"})
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    signature = key.sign(to_sign).signature
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {KID: station.encode()}, payload, signature]))
    import base64

    return "CWT " + base64.urlsafe_b64encode(cose).decode().rstrip("=")


# Uploads are raw bytes (tus): sent as generated.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


class StationAuth(requests.auth.AuthBase):
    """Signs the prepared request: its method, path with query, and body bytes (uploads bind no body)."""

    def __init__(self, station: str, key: nacl.signing.SigningKey):
        self.station, self.key = station, key

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        url = requests.utils.urlparse(r.url)
        path = url.path + ("?" + url.query if url.query else "")
        body = r.body if isinstance(r.body, bytes) else (r.body or "").encode()
        bound = None if r.method == "PATCH" else body
        r.headers["Authorization"] = cwt(self.station, self.key, r.method, path, bound)
        return r


class AdminAuth(requests.auth.AuthBase):
    def __init__(self, token: str):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = "Bearer " + self.token
        return r


def main() -> int:
    a = argparse.ArgumentParser()
    a.add_argument("--base", required=True)
    a.add_argument("--station", required=True)
    a.add_argument("--key", required=True)
    a.add_argument("--admin-token", required=True)
    a.add_argument("--examples", type=int, default=40)
    args = a.parse_args()
    seed = bytes.fromhex(next(line for line in open(args.key).read().splitlines() if line and not line.startswith("#")).strip())
    key = nacl.signing.SigningKey(seed)
    token = open(args.admin_token).read().strip()

    sessions = {"station": requests.Session(), "admin": requests.Session(), "none": requests.Session()}
    sessions["station"].auth = StationAuth(args.station, key)
    sessions["admin"].auth = AdminAuth(token)

    schema = schemathesis.openapi.from_url(args.base + "/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    summary = {"operations": 0, "requests": 0, "statuses": {}, "failures": []}

    for result in schema.get_all_operations():
        op = result.ok()
        summary["operations"] += 1
        security = op.definition.raw.get("security") or [{}]
        kinds = [next(iter(s), "none") for s in security] + ["none"]
        for kind in dict.fromkeys(kinds):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                session = sessions[kind]

                @hypothesis.settings(max_examples=args.examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
                @hypothesis.given(op.as_strategy(generation_mode=mode))
                def run(case):
                    response = case.call(base_url=args.base, session=session, timeout=10)
                    summary["requests"] += 1
                    code = str(response.status_code)
                    summary["statuses"][code] = summary["statuses"].get(code, 0) + 1
                    try:
                        case.validate_response(response, checks=checks)
                    except (KeyboardInterrupt, SystemExit):
                        raise
                    except BaseException as e:  # a failed check (a group of them): keep going, report it
                        if len(summary["failures"]) < 20:
                            summary["failures"].append({"operation": op.label, "auth": kind, "mode": mode.value, "status": response.status_code, "problem": str(e)[:600]})

                try:
                    run()
                except hypothesis.errors.Unsatisfiable:
                    # Nothing to make invalid (an operation without parameters or body).
                    summary["skipped"] = summary.get("skipped", 0) + 1
                except Exception as e:  # a generation error is a failure of the description
                    summary["failures"].append({"operation": op.label, "auth": kind, "mode": mode.value, "problem": "generation: " + str(e)[:300]})

    print(json.dumps(summary, indent=2))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
