#!/usr/bin/env python3
"""A stand-in for WordPress.org's checksums API and downloads, on a loopback port, built from
the test bed's own pristine WordPress (minus wp-config.php and wp-content), under the real
services' paths:

  /api/core/checksums/1.0/?version=V&locale=L   {"checksums": {path: md5}} or {"checksums": false}
  /downloads/release/wordpress-V.zip            (and .tar.gz), every file under wordpress/
  /downloads/release/LOCALE/wordpress-V-LOCALE.zip
  /downloads/plugin-checksums/SLUG/VERSION.json {"plugin", "version", "files": {path: {md5, sha256}}}; 404 otherwise

Usage: mirror.py PRISTINE_DIR [--port N] [--plugin SLUG...]
Prints "listening PORT" once ready. GET /_requests lists the paths asked for so far (tests
use it to see what was downloaded). Stops on SIGTERM or when its standard input closes.
"""
import hashlib, http.server, io, json, os, re, sys, tarfile, threading, urllib.parse, zipfile

def core_files(root):
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d != "wp-content"]
        dirs.sort()
        for name in sorted(files):
            rel = name if rel_folder == "." else rel_folder + "/" + name
            if rel == "wp-config.php":
                continue
            yield rel, os.path.join(folder, name)

def plugin_version(path):
    with open(path, "rb") as f:
        head = f.read(8192).decode("utf-8", "replace")
    match = re.search(r"^[ \t/*#@]*Version:\s*(\S+)", head, re.M | re.I)
    return match.group(1) if match else None

def build(pristine, plugins):
    with open(os.path.join(pristine, "wp-includes/version.php"), encoding="utf-8") as f:
        version = re.search(r"\$wp_version\s*=\s*'([^']+)'", f.read()).group(1)
    checksums, zip_buffer, tar_buffer = {}, io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(zip_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, tarfile.open(fileobj=tar_buffer, mode="w:gz", compresslevel=1) as tar:
        for rel, full in core_files(pristine):
            with open(full, "rb") as f:
                data = f.read()
            checksums[rel] = hashlib.md5(data).hexdigest()
            archive.writestr("wordpress/" + rel, data)
            info = tarfile.TarInfo("wordpress/" + rel)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    routes = {
        f"/downloads/release/wordpress-{version}.zip": zip_buffer.getvalue(),
        f"/downloads/release/wordpress-{version}.tar.gz": tar_buffer.getvalue(),
    }
    core = {("/api/core/checksums/1.0/", version, "en_US"): json.dumps({"checksums": checksums}).encode()}
    for slug in plugins:
        folder = os.path.join(pristine, "wp-content/plugins", slug)
        main = os.path.join(folder, slug + ".php")
        plugin = plugin_version(main)
        files = {}
        for rel, full in ((os.path.relpath(os.path.join(d, n), folder), os.path.join(d, n)) for d, _, ns in os.walk(folder) for n in ns):
            with open(full, "rb") as f:
                data = f.read()
            files[rel] = {"md5": hashlib.md5(data).hexdigest(), "sha256": hashlib.sha256(data).hexdigest()}
        routes[f"/downloads/plugin-checksums/{slug}/{plugin}.json"] = json.dumps(
            {"plugin": slug, "version": plugin, "source": f"https://plugins.svn.wordpress.org/{slug}/tags/{plugin}/",
             "zip": f"https://downloads.wordpress.org/plugins/{slug}.{plugin}.zip", "files": files}).encode()
    return routes, core

def main():
    args = sys.argv[1:]
    pristine = args.pop(0)
    port, plugins = 0, []
    while args:
        option = args.pop(0)
        if option == "--port":
            port = int(args.pop(0))
        elif option == "--plugin":
            while args and not args[0].startswith("--"):
                plugins.append(args.pop(0))
    routes, core = build(pristine, plugins)
    requests, lock = [], threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            parsed = urllib.parse.urlsplit(self.path)
            if parsed.path == "/_requests":
                return self.answer(200, json.dumps(requests).encode(), "application/json")
            with lock:
                requests.append(self.path)
            if parsed.path in routes:
                kind = "application/json" if parsed.path.endswith(".json") else "application/octet-stream"
                return self.answer(200, routes[parsed.path], kind)
            if parsed.path == "/api/core/checksums/1.0/":
                query = urllib.parse.parse_qs(parsed.query)
                key = (parsed.path, query.get("version", [""])[0], query.get("locale", ["en_US"])[0])
                return self.answer(200, core.get(key, b'{"checksums":false}'), "application/json")
            self.answer(404, b"Not found", "text/plain")

        def answer(self, status, body, kind):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening {server.server_address[1]}", flush=True)
    # Ends with whoever started it: a test that dies takes its server along.
    sys.stdin.read()
    server.shutdown()

if __name__ == "__main__":
    main()
