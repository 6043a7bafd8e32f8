#!/usr/bin/env python3
"""Edit-to-reload latency of `convbook serve`, for BENCHMARKS.md.

Copies the book into a temporary folder, builds it once (warm cache), starts
`convbook serve --port 0`, listens to the live-reload event stream, and times
from the moment a chapter file is written to the moment the reload event
arrives: for a prose edit, and for a code edit (which recompiles and reruns
that chapter; the build reports its compile time).

    python3 Benchmarks/serve_latency.py .build/debug/convbook --modules .build/release --reps 5

With `--baseline OTHER`, another convbook (an earlier commit's, say) serves a
second copy of the book at the same time, and the edits alternate between the
two servers, so that both see the same load on a shared machine.
"""
import argparse, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("convbook")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--chapter", default="99-authoring.md")
    parser.add_argument("--modules", help="the engine and runtime modules chapters link (as `make serve` passes .build/release)")
    parser.add_argument("--baseline", help="another convbook to time against, alternating in the same run")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tools = {"convbook": os.path.abspath(args.convbook)}
    if args.baseline:
        tools["baseline"] = os.path.abspath(args.baseline)
    modules = ["--modules", os.path.abspath(args.modules)] if args.modules else []
    work = tempfile.mkdtemp(prefix="convbook-serve-bench-")
    servers = {}
    try:
        for tool, convbook in tools.items():
            folder = os.path.join(work, tool)
            shutil.copytree(os.path.join(root, "chapters"), os.path.join(folder, "chapters"))
            shutil.copy(os.path.join(root, "book.toml"), folder)
            shutil.copy(os.path.join(root, "references.bib"), folder)
            subprocess.run([convbook, "build"] + modules, cwd=folder, check=True, stderr=subprocess.DEVNULL)
            log = open(os.path.join(folder, "serve.log"), "w")
            server = subprocess.Popen([convbook, "serve", "--port", "0"] + modules, cwd=folder, stdout=subprocess.PIPE, stderr=log, text=True)
            servers[tool] = (server, log)
            line = server.stdout.readline()
            port = int(re.search(r":(\d+)/", line).group(1))
            events = socket.create_connection(("127.0.0.1", port))
            events.sendall(f"GET /__convbook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            stream = Stream(events)
            stream.until(lambda text: "data: " in text, 10)
            path = os.path.join(folder, "chapters", args.chapter)
            servers[tool] = (server, log, stream, path, open(path).read())
        results = {(tool, kind): [] for tool in tools for kind in ["prose", "code"]}
        for rep in range(args.reps):
            for kind in ["prose", "code"]:
                for tool in tools:
                    _, _, stream, path, original = servers[tool]
                    if kind == "prose":
                        text = original + f"\nA sentence added for timing, number {rep}.\n"
                    else:
                        text = original.replace("let hiddenScale = 2.0", f"let hiddenScale = {3 + rep}.0")
                        assert text != original, "the code edit found nothing to change"
                    seen = stream.count("data: ")
                    start = time.monotonic()
                    with open(path, "w") as f:
                        f.write(text)
                    stream.until(lambda t: t.count("data: ") > seen, 60)
                    results[(tool, kind)].append(time.monotonic() - start)
                    time.sleep(0.3)
        for tool in tools:
            for kind in ["prose", "code"]:
                times = results[(tool, kind)]
                line = f"{tool:9s} {kind} edit to reload: median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over {len(times)}"
                if tool != "baseline" and "baseline" in tools:
                    line += f"   against the baseline {statistics.median(times) / statistics.median(results[('baseline', kind)]):.2f}x"
                print(line)
    finally:
        for tool, entry in servers.items():
            server, log = entry[0], entry[1]
            server.terminate()
            server.wait(10)
            log.close()
        for tool in tools:
            log_path = os.path.join(work, tool, "serve.log")
            if os.path.exists(log_path):
                compiles = [float(m) for m in re.findall(r"compiled ([0-9.]+) s", open(log_path).read())]
                if compiles:
                    print(f"{tool:9s} compile of the edited chapter (from the build's own report): median {statistics.median(compiles):.3f} s")
        shutil.rmtree(work, ignore_errors=True)

class Stream:
    def __init__(self, sock):
        self.sock, self.text = sock, ""
    def count(self, needle):
        return self.text.count(needle)
    def until(self, condition, timeout):
        deadline = time.monotonic() + timeout
        while not condition(self.text):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                sys.exit("timed out waiting for the reload event")
            self.sock.settimeout(remaining)
            data = self.sock.recv(65536)
            if not data:
                sys.exit("the event stream closed")
            self.text += data.decode(errors="replace")

if __name__ == "__main__":
    main()
