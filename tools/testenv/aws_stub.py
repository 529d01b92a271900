#!/usr/bin/env python3
"""A loopback HTTP server for tests: answers by rules (IMDSv2, container credentials, STS, SSO,
KMS error shapes moto does not model), forwards everything else to --proxy (moto) if given, and
logs every request as one JSON line. Prints "PORT <n>" once listening on 127.0.0.1.

rules.json: [{"match": {"method": "PUT", "path": "/latest/api/token",
                        "target": "TrentService.Decrypt", "header": {"name": "value"},
                        "body": "substring"},
              "responses": [{"status": 200, "headers": {"k": "v"}, "body": "..."}]}, ...]
Responses are used in order; the last one repeats.
"""
import argparse, json, sys, threading, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--rules", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--proxy")
ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM) ...")
ap.add_argument("--tls-key", help="... and this private key")
args = ap.parse_args()
rules = json.load(open(args.rules))
counters = [0] * len(rules)
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?")[0]
        with lock:
            with open(args.log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path, "headers": headers,
                                    "body": body.decode("utf-8", "replace")}) + "\n")
            chosen = None
            for i, rule in enumerate(rules):
                m = rule.get("match", {})
                if m.get("method") and m["method"] != self.command: continue
                if m.get("path") and m["path"] != path: continue
                if m.get("target") and m["target"] != headers.get("x-amz-target"): continue
                if m.get("body") and m["body"] not in body.decode("utf-8", "replace"): continue
                if any(headers.get(k.lower()) != v for k, v in m.get("header", {}).items()): continue
                responses = rule["responses"]
                chosen = responses[min(counters[i], len(responses) - 1)]
                counters[i] += 1
                break
        if chosen is None and args.proxy:
            req = urllib.request.Request(args.proxy + self.path, data=body if self.command != "GET" else None,
                                         method=self.command, headers={k: v for k, v in self.headers.items()})
            try:
                with urllib.request.urlopen(req) as r:
                    status, rheaders, rbody = r.status, r.headers.items(), r.read()
            except urllib.error.HTTPError as e:
                status, rheaders, rbody = e.code, e.headers.items(), e.read()
            self.send_response(status)
            for k, v in rheaders:
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(rbody)))
            self.end_headers()
            self.wfile.write(rbody)
            return
        if chosen is None:
            chosen = {"status": 404, "body": json.dumps({"__type": "StubNoRule", "message": f"no rule for {self.command} {self.path}"})}
        out = chosen.get("body", "").encode()
        self.send_response(chosen.get("status", 200))
        for k, v in chosen.get("headers", {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if args.tls_cert:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
