#!/usr/bin/env python3
"""A mock MOSIP SBI service (Secure Biometric Interface 0.9.5), our own, serving MOSIP's real mock
device data from shared/fixtures/sbi/mockmds: the discovery and device-info answers of its slap
scanner, dual iris camera and face camera, signed (JWS RS256 with the x5c certificate chain)
with the demo device keys issued by its demo root CA, and its registration-grade ISO/IEC 19794
records as the captured samples, with the per-capture hash chain.

Verbs (on 127.0.0.1:PORT): MOSIPDISC /device, MOSIPDINFO /info, RCAPTURE /capture, STREAM
/stream, and OPTIONS. Faults for tests, set with POST /admin/fault {"fault": ...}:
  "none"               answer normally
  "busy"               RCAPTURE answers error 111 (busy)
  "not-ready"          device info says "Not Ready"
  "bad-signature"      the capture's JWS signature is damaged
  "bad-chain"          the hash chain of a capture is wrong
  "slow"               RCAPTURE answers after the request's timeout
  "gone"               the devices disappear: discovery lists none, capture resets the connection
  "error:N"            RCAPTURE answers error code N
  "other-device"       captures are signed with another device's key
  "other-serial"       captures name the device with another serial number
  "env:NAME"           device info and captures say environment NAME (Staging otherwise)

usage: mock_sbi.py --port PORT --fixtures DIR
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


class Device:
    def __init__(self, folder, keys, kind, sub_type, device_id):
        self.folder = folder
        self.kind = kind
        self.sub_type = sub_type
        self.device_id = device_id
        self.discovery = json.load(open(os.path.join(folder, "DeviceDiscovery.json")))
        self.info = json.load(open(os.path.join(folder, "DeviceInfo.json")))
        self.digital_id = json.load(open(os.path.join(folder, "DigitalId.json")))
        name = os.path.basename(keys)[:-4]
        key, cert, extra = pkcs12.load_key_and_certificates(open(keys, "rb").read(), name.encode())
        self.key = key
        self.chain = [cert] + list(extra or [])
        stream = os.path.join(folder, "Stream Image")
        self.frames = [open(os.path.join(stream, f), "rb").read() for f in sorted(os.listdir(stream))] if os.path.isdir(stream) else []

    def jws(self, payload: dict, damage=False) -> str:
        header = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in self.chain]}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        if damage:
            sig = bytes([sig[0] ^ 1]) + sig[1:]
        return signing_input + "." + b64url(sig)

    def signed_digital_id(self, serial=None) -> str:
        d = dict(self.digital_id)
        if serial is not None:
            d["serialNo"] = serial
        d["dateTime"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        return self.jws(d)


FINGERS = {
    "1": ["Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger"],
    "2": ["Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger"],
    "3": ["Left Thumb", "Right Thumb"],
}
IRISES = {"1": ["Left"], "2": ["Right"], "3": ["Left", "Right"]}


def record_file(kind, sub):
    if kind == "Finger":
        side, name = sub.split(" ")
        finger = name.replace("Finger", "")
        return f"0001{side}_{finger}.iso"
    if kind == "Iris":
        return f"0001{sub}_Iris.iso"
    return "0001Face.iso"


class Service:
    def __init__(self, fixtures):
        base = os.path.join(fixtures, "Biometric Devices")
        self.records = os.path.join(fixtures, "Profile", "Automatic", "Registration")
        self.devices = [
            Device(os.path.join(base, "Finger", "Slap"), os.path.join(base, "Finger", "Slap", "Keys", "mosipfingerslap.p12"), "Finger", "Slap", "2"),
            Device(os.path.join(base, "Iris", "Double"), os.path.join(base, "Iris", "Double", "Keys", "mosipirisdouble.p12"), "Iris", "Double", "1"),
            Device(os.path.join(base, "Face"), os.path.join(base, "Face", "Keys", "mosipface.p12"), "Face", "Full face", "3"),
        ]
        self.fault = "none"
        self.lock = threading.Lock()

    def device(self, device_id):
        return next((d for d in self.devices if str(d.discovery.get("deviceId")) == str(device_id)), None)

    def discover(self, kind):
        if self.fault == "gone":
            return []
        out = []
        for d in self.devices:
            if kind in ("Biometric Device", d.kind):
                e = dict(d.discovery)
                e["digitalId"] = b64url(json.dumps(d.digital_id).encode())
                e["deviceId"] = d.device_id
                out.append(e)
        return out

    def info(self):
        if self.fault == "gone":
            return []
        out = []
        for d in self.devices:
            i = dict(d.info)
            i["deviceId"] = d.device_id
            i["digitalId"] = d.signed_digital_id()
            i["purpose"] = "Registration"
            i["env"] = self.env()
            if self.fault == "not-ready":
                i["deviceStatus"] = "Not Ready"
            out.append({"deviceInfo": d.jws(i), "error": {"errorCode": "0", "errorInfo": "Success"}})
        return out

    def env(self):
        return self.fault[4:] if self.fault.startswith("env:") else "Staging"

    def capture(self, req):
        fault = self.fault
        if fault == "slow":
            time.sleep(int(req.get("timeout", 10000)) / 1000 + 5)
        code = None
        if fault == "busy":
            code = "111"
        elif fault.startswith("error:"):
            code = fault.split(":", 1)[1]
        if code:
            return {"biometrics": [{"specVersion": "0.9.5", "data": "", "hash": "", "error": {"errorCode": code, "errorInfo": "mock fault"}}]}
        previous = (req.get("bio") or [{}])[0].get("previousHash") or hashlib.sha256(b"").hexdigest().upper()
        out = []
        for bio in req.get("bio", []):
            d = self.device(bio.get("deviceId"))
            if d is None:
                out.append({"specVersion": "0.9.5", "data": "", "hash": "", "error": {"errorCode": "106", "errorInfo": "device not found"}})
                continue
            sub_id = str(bio.get("deviceSubId", "0"))
            exceptions = set(bio.get("exception") or [])
            if d.kind == "Finger":
                subs = [s for s in FINGERS.get(sub_id, []) if s not in exceptions]
            elif d.kind == "Iris":
                subs = [s for s in IRISES.get(sub_id, []) if s not in exceptions]
            else:
                subs = ["UNKNOWN"]
            for sub in subs:
                name = "0001Exception_Photo.iso" if d.kind == "Face" and exceptions else record_file(d.kind, sub)
                iso = open(os.path.join(self.records, name), "rb").read()
                cur = hashlib.sha256(bytes.fromhex(previous) + hashlib.sha256(iso).digest()).hexdigest().upper()
                if fault == "bad-chain":
                    cur = "0" * 64
                payload = {
                    "digitalId": d.signed_digital_id(serial="X-" + d.digital_id.get("serialNo", "") if fault == "other-serial" else None),
                    "bioType": d.kind,
                    "bioSubType": sub,
                    "deviceCode": d.info["deviceCode"],
                    "deviceServiceVersion": "0.9.5",
                    "purpose": "Registration",
                    "env": self.env(),
                    "bioValue": b64url(iso),
                    "transactionId": req.get("transactionId"),
                    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                    "requestedScore": bio.get("requestedScore", 40),
                    "qualityScore": 85,
                }
                signer = d
                if fault == "other-device":
                    signer = next(o for o in self.devices if o is not d)
                out.append({"specVersion": "0.9.5", "data": signer.jws(payload, damage=(fault == "bad-signature")), "hash": cur, "error": {"errorCode": "0", "errorInfo": "Success"}})
                previous = cur
        return {"biometrics": out}


SERVICE = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def answer(self, value, status=200):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self):
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "MOSIPDISC, MOSIPDINFO, RCAPTURE, STREAM")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_MOSIPDISC(self):
        req = self.body()
        if req is None:
            return self.answer({"error": {"errorCode": "500", "errorInfo": "malformed request"}}, 400)
        self.answer(SERVICE.discover(req.get("type", "Biometric Device")))

    def do_MOSIPDINFO(self):
        self.answer(SERVICE.info())

    def do_RCAPTURE(self):
        req = self.body()
        if req is None:
            return self.answer({"error": {"errorCode": "500", "errorInfo": "malformed request"}}, 400)
        if SERVICE.fault == "gone":
            # The device vanished mid-capture: the connection drops.
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.answer(SERVICE.capture(req))

    def do_STREAM(self):
        req = self.body() or {}
        d = SERVICE.device(req.get("deviceId"))
        if d is None or not d.frames or SERVICE.fault == "gone":
            return self.answer({"error": {"errorCode": "106", "errorInfo": "device not found"}}, 404)
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=mosipframe")
        self.send_header("Connection", "close")
        self.end_headers()
        until = time.time() + int(req.get("timeout", 3000)) / 1000
        i = 0
        try:
            while time.time() < until:
                f = d.frames[i % len(d.frames)]
                self.wfile.write(b"--mosipframe\r\nContent-Type: image/jpeg\r\nContent-Length: " + str(len(f)).encode() + b"\r\n\r\n" + f + b"\r\n")
                self.wfile.flush()
                i += 1
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_POST(self):
        if self.path == "/admin/fault":
            SERVICE.fault = (self.body() or {}).get("fault", "none")
            return self.answer({"fault": SERVICE.fault})
        self.answer({"error": "unknown"}, 404)


def main():
    global SERVICE
    a = argparse.ArgumentParser()
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--fixtures", required=True)
    args = a.parse_args()
    SERVICE = Service(args.fixtures)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"mock SBI on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
