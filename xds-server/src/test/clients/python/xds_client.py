#!/usr/bin/python3
"""A proxyless gRPC C-core xDS client (grpcio) driven by paymesh's Java tests.

Run with Debian's python3-grpcio under /usr/bin/python3:

    GRPC_XDS_BOOTSTRAP=/path/bootstrap.json /usr/bin/python3 xds_client.py [--credentials xds]

It reads one JSON command per line on stdin and writes one JSON line per command on stdout, in
order. End of stdin closes every channel and exits 0. Logs go to stderr.

Commands (every one may carry an "id", echoed in its answer):
  {"op": "ping"}
      -> {"ok": true, "client": "grpc-c-core", "version": "1.51.1"}
  {"op": "call", "host": "payments", "method": "payments.v1.Payments/Charge",
   "metadata": {"x-merchant-id": "m-1"}, "deadlineMs": 5000, "count": 1,
   "parallel": false, "spacingMs": 0, "request": "order-1"}
      -> {"ok": true, "results": [{"code": "OK", "details": "", "reply": "backend-a",
                                    "elapsedMs": 3.2}, ...]}
     Sends "count" unary RPCs on the channel to xds:///<host> (one channel per host, kept),
     one after the other, or concurrently with "parallel": true (each started "spacingMs"
     after the previous one, default 0). "method" is a full method
     name ("pkg.Service/Method", as grpc-java's MethodDescriptor has it) or its HTTP/2 path
     ("/pkg.Service/Method"). Requests and replies are raw
     UTF-8 bytes (no protobuf): the test backends answer with their own name.
A command that cannot be carried out is answered {"ok": false, "error": "..."}.

--credentials xds (the default): xDS channel credentials with an insecure fallback, so a
cluster's UpstreamTlsContext (certificate provider instances of the bootstrap) is applied;
--credentials insecure: plaintext whatever the cluster says.
"""

import argparse
import json
import sys
import threading
import time

# Exit code when grpc cannot be imported; the Java fixture turns it into an install hint.
EXIT_NO_GRPC = 3

try:
    import grpc
    import grpc.experimental
except ImportError as e:  # pragma: no cover - exercised by the fixture's install check
    sys.stderr.write(
        "paymesh xds_client.py: cannot import grpc (%s); install Debian's python3-grpcio "
        "(apt-get install python3-grpcio) and run this with /usr/bin/python3\n" % e)
    sys.exit(EXIT_NO_GRPC)


def log(message):
    sys.stderr.write("[xds_client.py] %s\n" % message)
    sys.stderr.flush()


class Client:
    def __init__(self, credentials):
        self._credentials = credentials
        self._channels = {}

    def channel(self, host):
        channel = self._channels.get(host)
        if channel is None:
            target = "xds:///" + host
            if self._credentials == "xds":
                creds = grpc.xds_channel_credentials(
                    fallback_credentials=grpc.experimental.insecure_channel_credentials())
                channel = grpc.secure_channel(target, creds)
            else:
                channel = grpc.insecure_channel(target)
            self._channels[host] = channel
            log("opened channel to %s (%s credentials)" % (target, self._credentials))
        return channel

    def one_call(self, host, method, metadata, deadline_ms, request):
        # A full method name as grpc-java spells it ("pkg.Service/Method") or as a path.
        path = method if method.startswith("/") else "/" + method
        stub = self.channel(host).unary_unary(path)
        start = time.monotonic()
        try:
            reply = stub(request.encode("utf-8"), timeout=deadline_ms / 1000.0,
                         metadata=list(metadata.items()))
            code, details, text = "OK", "", reply.decode("utf-8", errors="replace")
        except grpc.RpcError as e:
            code, details, text = e.code().name, e.details() or "", None
        elapsed = (time.monotonic() - start) * 1000.0
        return {"code": code, "details": details, "reply": text,
                "elapsedMs": round(elapsed, 1)}

    def call(self, command):
        host = command["host"]
        method = command["method"]
        metadata = command.get("metadata") or {}
        deadline_ms = command.get("deadlineMs", 5000)
        count = command.get("count", 1)
        request = command.get("request", "order-1")
        if not command.get("parallel", False):
            return [self.one_call(host, method, metadata, deadline_ms, request)
                    for _ in range(count)]
        results = [None] * count

        def run(i):
            results[i] = self.one_call(host, method, metadata, deadline_ms, request)

        spacing = command.get("spacingMs", 0) / 1000.0
        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for i, t in enumerate(threads):
            if i > 0 and spacing > 0:
                time.sleep(spacing)
            t.start()
        for t in threads:
            t.join()
        return results

    def close(self):
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()


def answer(command, body):
    if "id" in command:
        body["id"] = command["id"]
    sys.stdout.write(json.dumps(body) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", choices=["xds", "insecure"], default="xds")
    args = parser.parse_args()
    client = Client(args.credentials)
    log("grpcio %s ready, GRPC_XDS_BOOTSTRAP as given in the environment" % grpc.__version__)
    try:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            command = {}
            try:
                command = json.loads(line)
                op = command.get("op")
                if op == "ping":
                    answer(command, {"ok": True, "client": "grpc-c-core",
                                     "version": grpc.__version__})
                elif op == "call":
                    answer(command, {"ok": True, "results": client.call(command)})
                else:
                    answer(command, {"ok": False, "error": "unknown op %r" % op})
            except Exception as e:  # one bad command must not end the process
                answer(command, {"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
    finally:
        client.close()
    log("stdin closed; exiting")


if __name__ == "__main__":
    main()
