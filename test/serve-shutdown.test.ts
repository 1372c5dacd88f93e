/**
 * `sift serve` as a platform runs it (child process): the HTTP port comes from $PORT when no
 * --port is given (Cloud Run), and SIGTERM drains — a request already in flight is answered in
 * full, then the process exits 0.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { storeWithModel, type TempStore } from "./serve-fixtures.ts";

const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

let store: TempStore;
let child: ChildProcess | undefined;

before(async () => {
  store = await storeWithModel();
});

after(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await store.cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function waitReady(port: number, process: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (process.exitCode !== null) assert.fail(`sift serve exited with ${process.exitCode}`);
    if (Date.now() > deadline) assert.fail("sift serve never became ready");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `text` has appeared in what the stream printed. */
function waitForOutput(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        stream.off("data", onData);
        resolve();
      }
    };
    stream.on("data", onData);
  });
}

/** Everything the server sends on a raw socket until it closes the connection. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.once("end", () => resolve(text));
    socket.once("error", reject);
  });
}

describe("sift serve under a platform", () => {
  it("listens on $PORT, and on SIGTERM answers the request in flight, then exits 0", async () => {
    const port = await freePort();
    child = spawn(process.execPath, [CLI, "serve", "--store", store.root, "--grpc-port", "0"], {
      env: { ...process.env, PORT: String(port), SIFT_STORE: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const stderr = child.stderr as NodeJS.ReadableStream;
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    await waitReady(port, child);

    // Start a request and send only half its body: it is in flight when SIGTERM arrives.
    const body = JSON.stringify({ sentence: "Forest fire near La Ronge Sask. Canada" });
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const response = readAll(socket);
    socket.write(
      `POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const draining = waitForOutput(stderr, "SIGTERM: draining in-flight requests");
    child.kill("SIGTERM");
    await draining;
    // Readiness is over (503, or the port already closed) while the old request still waits.
    const readiness = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => String(r.status),
      () => "refused",
    );
    assert.ok(["503", "refused"].includes(readiness), readiness);
    assert.equal(child.exitCode, null, "the process must wait for the request in flight");

    socket.write(body.slice(10));
    const raw = await response;
    const [head = "", payload = ""] = raw.split("\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 200 /);
    const answer = JSON.parse(payload) as { label: string; model: { name: string; version: number } };
    assert.ok(["Relevant", "Not Relevant"].includes(answer.label));
    assert.deepEqual(answer.model, { name: "relevance", version: 1 });
    assert.equal(await exited, 0);
  });
});
