"""harness.py — real Kubernetes API servers on loopback for kubetally's
tests and benchmarks, and a small client that plays the kubelet.

One etcd serves several kube-apiservers, each with its own --etcd-prefix
(one per simulated cloud), TLS from a throwaway CA, token and client
certificate authentication, and RBAC.  No controller-manager, scheduler or
kubelet runs: the tests create Nodes and Pods (spec.nodeName set) and patch
their status subresource themselves, as KWOK does.
"""
import base64
import http.client
import http.server
import json
import os
import secrets
import signal
import socket
import socketserver
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def reply(handler, code, body):
    """Answer a stand-in server's request: body is bytes, or an object sent as JSON."""
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive, no access log."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass


def serve_tls(handler, host, port, cert, key):
    """Serve `handler` (a BaseHTTPRequestHandler) over TLS, one thread per
    connection, forever: the stand-in servers' common part."""

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    srv = Server((host, port), handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


def stop_process(proc, timeout=30):
    """SIGTERM a process we started (kubetally flushes and exits), SIGKILL if it hangs."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def sh(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


class PKI:
    """A CA, the API servers' serving certificate, a client certificate for
    the user kubetally-cert, the service-account key pair and the tokens."""

    def __init__(self, d):
        self.d = d
        os.makedirs(d, exist_ok=True)
        p = self.path
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=kubetally-test-ca",
           "-keyout", p("ca.key"), "-out", p("ca.crt"))
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=someone-else",
           "-keyout", p("other-ca.key"), "-out", p("other-ca.crt"))
        with open(p("san.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.test\n")
        self._signed("server", "/CN=kube-apiserver", ext=p("san.ext"))
        self._signed("client", "/CN=kubetally-cert")
        # the aggregator's client certificate towards aggregated API servers (metrics.k8s.io)
        self._signed("front-proxy", "/CN=front-proxy-client")
        sh("openssl", "genrsa", "-out", p("sa.key"), "2048")
        sh("openssl", "rsa", "-in", p("sa.key"), "-pubout", "-out", p("sa.pub"))
        self.admin_token = "admin-" + secrets.token_hex(16)
        self.kt_token = "kt-" + secrets.token_hex(16)
        self.exec_token = "exec-" + secrets.token_hex(16)
        with open(p("tokens.csv"), "w") as f:
            f.write('%s,admin,1,"system:masters"\n' % self.admin_token)
            f.write("%s,kubetally-token,2\n" % self.kt_token)
            f.write("%s,kubetally-exec,3\n" % self.exec_token)

    def path(self, name):
        return os.path.join(self.d, name)

    def _signed(self, name, subj, ext=None):
        p = self.path
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subj, "-keyout", p(name + ".key"),
           "-out", p(name + ".csr"))
        cmd = ["openssl", "x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
               "-CAcreateserial", "-days", "2", "-out", p(name + ".crt")]
        if ext:
            cmd += ["-extfile", ext]
        sh(*cmd)

    def b64(self, name):
        with open(self.path(name), "rb") as f:
            return base64.b64encode(f.read()).decode()


def port_taken(log_path):
    """Did a server we started exit because its port was taken meanwhile?
    (free_port picks a port and lets it go; another process may bind it
    before the server does.)"""
    try:
        with open(log_path, errors="replace") as f:
            return "address already in use" in f.read().lower()
    except OSError:
        return False


class Etcd:
    def __init__(self, d):
        for attempt in range(5):  # a port taken between free_port() and etcd's bind: pick others
            try:
                self._start(d)
                return
            except RuntimeError:
                if attempt == 4 or not port_taken(self.log.name):
                    raise
                self.stop()

    def _start(self, d):
        os.makedirs(d, exist_ok=True)
        self.client = "http://127.0.0.1:%d" % free_port()
        peer = "http://127.0.0.1:%d" % free_port()
        self.log = open(os.path.join(d, "etcd.log"), "w")
        self.proc = subprocess.Popen(
            ["etcd", "--data-dir", os.path.join(d, "etcd"), "--listen-client-urls", self.client,
             "--advertise-client-urls", self.client, "--listen-peer-urls", peer,
             "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer, "--name", "default",
             "--quota-backend-bytes", str(8 << 30)], stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            if self.proc.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.client + "/health", timeout=1).read()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("etcd did not start; see " + self.log.name)

    def _post(self, path, body):
        req = urllib.request.Request(self.client + path, data=json.dumps(body).encode(), method="POST")
        return json.loads(urllib.request.urlopen(req, timeout=10).read())

    def compact(self):
        """Compact etcd at its current revision: every older resourceVersion is gone."""
        rev = int(self._post("/v3/kv/range", {"key": base64.b64encode(b"/").decode()})["header"]["revision"])
        self._post("/v3/kv/compaction", {"revision": rev, "physical": True})
        return rev

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def host_ipv4():
    """An address of this machine outside 127/8: Kubernetes refuses loopback
    endpoints, so an aggregated API server must listen on another one."""
    out = subprocess.run(["hostname", "-I"], stdout=subprocess.PIPE).stdout.decode().split()
    for a in out:
        if "." in a and not a.startswith("127."):
            return a
    raise RuntimeError("no non-loopback IPv4 address on this machine (hostname -I: %s)" % out)


def kube_apiserver_binary():
    return subprocess.run([os.path.join(ROOT, "scripts", "kube-apiserver.sh")], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip()


class APIServer:
    def __init__(self, name, d, pki, etcd, binary, extra=()):
        self.name, self.d, self.pki, self.etcd, self.binary = name, d, pki, etcd, binary
        self.extra = list(extra)
        self.proc = None
        for attempt in range(5):  # a port taken between free_port() and the bind: pick another
            self.port = free_port()
            self.url = "https://127.0.0.1:%d" % self.port
            try:
                self.start()
                break
            except RuntimeError:
                if attempt == 4 or not port_taken(self.log.name):
                    raise
                self.stop()
        self.admin = Client(self.url, pki.path("ca.crt"), pki.admin_token)

    def start(self):
        p = self.pki.path
        self.log = open(os.path.join(self.d, "apiserver-%s.log" % self.name), "a")
        self.proc = subprocess.Popen(
            [self.binary, "--etcd-servers", self.etcd.client, "--etcd-prefix", "/" + self.name,
             "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", str(self.port),
             "--insecure-port", "0", "--tls-cert-file", p("server.crt"), "--tls-private-key-file", p("server.key"),
             "--client-ca-file", p("ca.crt"), "--token-auth-file", p("tokens.csv"), "--authorization-mode", "RBAC",
             "--service-account-key-file", p("sa.pub"), "--service-account-signing-key-file", p("sa.key"),
             "--service-account-issuer", "https://kubernetes.default.svc",
             "--api-audiences", "https://kubernetes.default.svc",
             "--disable-admission-plugins", "ServiceAccount", "--service-cluster-ip-range", "10.0.0.0/16",
             "--cert-dir", os.path.join(self.d, "cert-" + self.name), "--allow-privileged",
             # the aggregation layer, so metrics.k8s.io can be served by another process
             "--requestheader-client-ca-file", p("ca.crt"), "--requestheader-allowed-names", "front-proxy-client",
             "--requestheader-username-headers", "X-Remote-User", "--requestheader-group-headers", "X-Remote-Group",
             "--requestheader-extra-headers-prefix", "X-Remote-Extra-", "--proxy-client-cert-file",
             p("front-proxy.crt"), "--proxy-client-key-file", p("front-proxy.key"),
             "--enable-aggregator-routing=true"] + self.extra,
            stdout=self.log, stderr=subprocess.STDOUT)
        ctx = ssl.create_default_context(cafile=p("ca.crt"))
        for _ in range(900):
            if self.proc.poll() is not None:
                break
            try:
                req = urllib.request.Request(self.url + "/readyz",
                                             headers={"Authorization": "Bearer " + self.pki.admin_token})
                urllib.request.urlopen(req, context=ctx, timeout=2).read()
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("kube-apiserver %s did not become ready; see %s" % (self.name, self.log.name))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Client:
    """Just enough of the Kubernetes REST API to play kubelet and kubectl.
    One kept-alive HTTPS connection per thread, so filling a server with
    100,000 pods is not 200,000 TLS handshakes."""

    def __init__(self, url, cafile, token):
        self.url, self.token = url, token
        self.host, self.port = url.split("//")[1].split(":")
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.local = threading.local()

    def _conn(self, fresh=False):
        if fresh or not getattr(self.local, "conn", None):
            self.local.conn = http.client.HTTPSConnection(self.host, int(self.port), context=self.ctx, timeout=60)
        return self.local.conn

    def call(self, method, path, body=None, ctype="application/json"):
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {"Authorization": "Bearer " + self.token, "Content-Type": ctype, "Accept": "application/json"}
        for attempt in range(2):  # a kept-alive connection the server closed: reconnect once
            try:
                c = self._conn(fresh=attempt > 0)
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                text = r.read()
                break
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
        if r.status >= 400:
            raise RuntimeError("%s %s: HTTP %d %s" % (method, path, r.status, text[:300].decode(errors="replace")))
        return json.loads(text or b"{}")

    def create(self, path, obj):
        return self.call("POST", path, obj)

    def apply_yaml_docs(self, text):
        """Create each document of a multi-document YAML file (the API server parses YAML)."""
        for doc in text.split("\n---\n"):
            if "kind:" not in doc:
                continue
            kind = [ln.split(":", 1)[1].strip() for ln in doc.splitlines() if ln.startswith("kind:")][0]
            ns = None
            for ln in doc.splitlines():
                if ln.strip().startswith("namespace:") and ln.startswith("  "):
                    ns = ln.split(":", 1)[1].strip()
                    break
            path = {"Namespace": "/api/v1/namespaces",
                    "ServiceAccount": "/api/v1/namespaces/%s/serviceaccounts" % ns,
                    "ClusterRole": "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                    "ClusterRoleBinding": "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"}[kind]
            self.call("POST", path, doc, ctype="application/yaml")

    def delete(self, path):
        return self.call("DELETE", path)

    def patch_status(self, path, status):
        return self.call("PATCH", path + "/status", {"status": status}, ctype="application/merge-patch+json")

    # --- playing the kubelet -------------------------------------------------

    def node(self, name, labels, provider_id, cpu, mem, gpus=0):
        cap = {"cpu": str(cpu), "memory": mem, "pods": "110"}
        if gpus:
            cap["nvidia.com/gpu"] = str(gpus)
        self.create("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node",
                                      "metadata": {"name": name, "labels": labels},
                                      "spec": {"providerID": provider_id}})
        self.patch_status("/api/v1/nodes/" + name, {"capacity": cap, "allocatable": cap,
                                                    "conditions": [{"type": "Ready", "status": "True"}]})

    def namespace(self, name, labels=None):
        self.create("/api/v1/namespaces", {"metadata": {"name": name, "labels": labels or {}}})

    def pod(self, ns, name, node, containers, labels=None, owner=None, claims=()):
        """containers: [(name, cpu_request, memory_request)]"""
        meta = {"name": name, "namespace": ns, "labels": labels or {}}
        if owner:
            meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1],
                                        "uid": "00000000-0000-0000-0000-%012d" % (abs(hash(owner)) % 10**12),
                                        "controller": True}]
        spec = {"nodeName": node, "containers": [
            {"name": c, "image": "registry.test/app:1", "resources": {"requests": {"cpu": cpu, "memory": mem}}}
            for c, cpu, mem in containers]}
        if claims:
            spec["volumes"] = [{"name": "v%d" % i, "persistentVolumeClaim": {"claimName": c}}
                               for i, c in enumerate(claims)]
        return self.create("/api/v1/namespaces/%s/pods" % ns, {"metadata": meta, "spec": spec})

    def pod_running(self, ns, name, containers, started):
        self.patch_status("/api/v1/namespaces/%s/pods/%s" % (ns, name), {
            "phase": "Running", "startTime": rfc3339(started),
            "containerStatuses": [{"name": c, "ready": True, "restartCount": 0, "image": "registry.test/app:1",
                                   "imageID": "", "state": {"running": {"startedAt": rfc3339(started)}}}
                                  for c in containers]})

    def pod_succeeded(self, ns, name, containers, started, finished):
        self.patch_status("/api/v1/namespaces/%s/pods/%s" % (ns, name), {
            "phase": "Succeeded", "startTime": rfc3339(started),
            "containerStatuses": [{"name": c, "ready": False, "restartCount": 0, "image": "registry.test/app:1",
                                   "imageID": "", "state": {"terminated": {
                                       "exitCode": 0, "reason": "Completed", "startedAt": rfc3339(started),
                                       "finishedAt": rfc3339(finished)}}} for c in containers]})

    def delete_pod(self, ns, name):
        self.delete("/api/v1/namespaces/%s/pods/%s?gracePeriodSeconds=0" % (ns, name))

    def delete_namespace(self, ns):
        """Play the namespace controller: delete the pods, then finalize."""
        pods = self.call("GET", "/api/v1/namespaces/%s/pods" % ns)["items"]
        for p in pods:
            self.delete_pod(ns, p["metadata"]["name"])
        self.delete("/api/v1/namespaces/" + ns)
        obj = self.call("GET", "/api/v1/namespaces/" + ns)
        obj["spec"]["finalizers"] = []
        self.call("PUT", "/api/v1/namespaces/%s/finalize" % ns, obj)

    def service_account_token(self, ns, name, seconds=3600):
        r = self.create("/api/v1/namespaces/%s/serviceaccounts/%s/token" % (ns, name),
                        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                         "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": seconds}})
        return r["status"]["token"]

    def aggregate_metrics(self, ip, port, timeout=90):
        """Register an API server at ip:port as metrics.k8s.io (what installing
        metrics-server does) and wait until the aggregator calls it Available."""
        self.create("/api/v1/namespaces/kube-system/services", {
            "metadata": {"name": "metrics-server", "namespace": "kube-system"},
            "spec": {"ports": [{"port": 443, "targetPort": port, "protocol": "TCP"}]}})
        self.create("/api/v1/namespaces/kube-system/endpoints", {
            "metadata": {"name": "metrics-server", "namespace": "kube-system"},
            "subsets": [{"addresses": [{"ip": ip}], "ports": [{"port": port, "protocol": "TCP"}]}]})
        self.create("/apis/apiregistration.k8s.io/v1/apiservices", {
            "metadata": {"name": "v1beta1.metrics.k8s.io"},
            "spec": {"service": {"namespace": "kube-system", "name": "metrics-server", "port": 443},
                     "group": "metrics.k8s.io", "version": "v1beta1", "insecureSkipTLSVerify": True,
                     "groupPriorityMinimum": 100, "versionPriority": 100}})
        end = time.time() + timeout
        while time.time() < end:
            st = self.call("GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io")
            for c in st.get("status", {}).get("conditions", []):
                if c.get("type") == "Available" and c.get("status") == "True":
                    return self._wait_metrics_served(end)
            time.sleep(0.5)
        raise RuntimeError("metrics.k8s.io never became Available: %s" % st.get("status"))

    def _wait_metrics_served(self, end):
        """"Available" comes before the aggregator routes the group (it answered 404
        for about a second after, making the collector fall back to requests):
        wait for three answers in a row through the API server itself."""
        good = 0
        while time.time() < end and good < 3:
            try:
                self.call("GET", "/apis/metrics.k8s.io/v1beta1/pods")
                good += 1
            except RuntimeError:
                good = 0
            time.sleep(0.3)
        if good < 3:
            raise RuntimeError("metrics.k8s.io Available but not served through the API server")

    def bind_reader(self, user):
        self.create("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
            "metadata": {"name": "kubetally-reader-" + user},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "kubetally-reader"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]})
